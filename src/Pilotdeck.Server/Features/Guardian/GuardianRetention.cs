using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Jobs;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>
/// Recurring job: each tenant's stored Guardian analyses older than
/// <see cref="JobsOptions.GuardianRetention"/> are deleted, so the history (and its blobs) stays
/// bounded. The schedule fans out to one run per tenant, shown on that tenant's Jobs page.
/// </summary>
public sealed class GuardianRetention(PilotdeckDbContext db, TenantFanOut fanOut, IOptions<JobsOptions> options, TimeProvider time, ILogger<GuardianRetention> logger)
{
    public const string JobId = "guardian-history-retention";

    [JobDisplayName("Guardian history retention, every tenant")]
    public Task<IReadOnlyList<string>> RunEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<GuardianRetention>(r => r.RunAsync(CancellationToken.None), cancellationToken);

    [JobDisplayName("Guardian history retention")]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.GuardianRetention;
        var deleted = await db.GuardianAnalyses.Where(a => a.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Deleted {Count} Guardian analyses older than {Retention}.", deleted, options.Value.GuardianRetention);
        return $"{deleted} analyses older than {options.Value.GuardianRetention.TotalDays:0} days deleted";
    }
}
