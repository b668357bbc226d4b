using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Jobs;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>
/// Recurring job: each tenant's stored Guardian analyses older than
/// <see cref="JobsOptions.GuardianRetention"/> are deleted, so the history (and its blobs) stays bounded.
/// </summary>
public sealed class GuardianRetention(TenantSweep sweep, IOptions<JobsOptions> options, TimeProvider time, ILogger<GuardianRetention> logger)
{
    public const string JobId = "guardian-history-retention";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.GuardianRetention;
        var deleted = await sweep.ForEachTenantAsync((scope, ct) => scope.GetRequiredService<PilotdeckDbContext>()
            .GuardianAnalyses.Where(a => a.CreatedAt < cutoff).ExecuteDeleteAsync(ct), cancellationToken);
        logger.LogInformation("Deleted {Count} Guardian analyses older than {Retention}.", deleted, options.Value.GuardianRetention);
        return deleted;
    }
}
