using System.Text;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>
/// Recurring job: each tenant's stored Guardian analyses older than
/// <see cref="JobsOptions.GuardianRetention"/> are deleted, so the history (and its blobs) stays
/// bounded. The schedule fans out to one run per tenant, shown on that tenant's Jobs page.
/// </summary>
public sealed class GuardianRetention(
    PilotdeckDbContext db, TenantFanOut fanOut, ChangeReceipts receipts, IOptions<JobsOptions> options, TimeProvider time, ILogger<GuardianRetention> logger)
{
    public const string JobId = "guardian-history-retention";

    [JobDisplayName("Guardian history retention, every tenant")]
    public Task<IReadOnlyList<string>> RunEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<GuardianRetention>(r => r.RunAsync(CancellationToken.None), cancellationToken);

    [JobDisplayName("Guardian history retention")]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.GuardianRetention;
        var expired = await db.GuardianAnalyses.Where(a => a.CreatedAt < cutoff).Select(a => a.Id).OrderBy(id => id).ToListAsync(cancellationToken);
        var deleted = 0;
        if (expired.Count > 0)
        {
            // One receipt for the run, over the ids it deleted: nothing deleted, nothing changed.
            deleted = await receipts.ForJob(JobId).RecordAsync("guardian.history-retention", _ => "analyses",
                () => db.GuardianAnalyses.Where(a => expired.Contains(a.Id)).ExecuteDeleteAsync(cancellationToken),
                _ => Encoding.UTF8.GetBytes(string.Join('\n', expired)), cancellationToken);
        }

        logger.LogInformation("Deleted {Count} Guardian analyses older than {Retention}.", deleted, options.Value.GuardianRetention);
        return $"{deleted} analyses older than {options.Value.GuardianRetention.TotalDays:0} days deleted";
    }
}
