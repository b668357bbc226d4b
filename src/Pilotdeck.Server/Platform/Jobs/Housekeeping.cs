using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Recurring installation-level cleanup of rows that only the platform creates. Each delete runs per
/// tenant through <see cref="TenantSweep"/>, as one set-based statement per table.
/// </summary>
public sealed class Housekeeping(TenantSweep sweep, IOptions<JobsOptions> options, TimeProvider time, ILogger<Housekeeping> logger)
{
    public const string PurgeExpiredTokensJobId = "purge-expired-refresh-tokens";
    public const string PurgeIdempotencyRecordsJobId = "purge-expired-idempotency-records";

    /// <summary>
    /// Refresh tokens past their expiry can never be redeemed again. Consumed or revoked tokens that
    /// have not expired stay: replaying one must still be recognised to revoke its family.
    /// </summary>
    public async Task<int> PurgeExpiredRefreshTokensAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var deleted = await sweep.ForEachTenantAsync((scope, ct) => scope.GetRequiredService<PilotdeckDbContext>()
            .RefreshTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct), cancellationToken);
        logger.LogInformation("Purged {Count} expired refresh token(s).", deleted);
        return deleted;
    }

    /// <summary>Stored create responses older than <see cref="JobsOptions.IdempotencyRetention"/> are no longer replayed.</summary>
    public async Task<int> PurgeExpiredIdempotencyRecordsAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.IdempotencyRetention;
        var deleted = await sweep.ForEachTenantAsync((scope, ct) => scope.GetRequiredService<PilotdeckDbContext>()
            .IdempotencyRecords.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct), cancellationToken);
        logger.LogInformation("Purged {Count} idempotency record(s) older than {Retention}.", deleted, options.Value.IdempotencyRetention);
        return deleted;
    }
}
