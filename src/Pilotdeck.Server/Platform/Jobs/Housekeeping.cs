using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Recurring cleanup of rows only the platform creates. Each schedule fans out to one job per
/// tenant (<see cref="TenantFanOut"/>); each tenant's job is one set-based delete in its own tenant.
/// </summary>
public sealed class Housekeeping(PilotdeckDbContext db, TenantFanOut fanOut, IOptions<JobsOptions> options, TimeProvider time, ILogger<Housekeeping> logger)
{
    public const string PurgeExpiredTokensJobId = "purge-expired-refresh-tokens";
    public const string PurgeIdempotencyRecordsJobId = "purge-expired-idempotency-records";
    public const string PurgeJobHistoryJobId = "purge-job-history";

    [JobDisplayName("Purge expired refresh tokens, every tenant")]
    public Task<IReadOnlyList<string>> PurgeExpiredRefreshTokensEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<Housekeeping>(h => h.PurgeExpiredRefreshTokensAsync(CancellationToken.None), cancellationToken);

    /// <summary>
    /// Refresh tokens past their expiry can never be redeemed again. Consumed or revoked tokens that
    /// have not expired stay: replaying one must still be recognised to revoke its family.
    /// </summary>
    [JobDisplayName("Purge expired refresh tokens")]
    public async Task<string> PurgeExpiredRefreshTokensAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var deleted = await db.RefreshTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Purged {Count} expired refresh token(s).", deleted);
        return $"{deleted} expired refresh token(s) deleted";
    }

    [JobDisplayName("Purge old idempotency records, every tenant")]
    public Task<IReadOnlyList<string>> PurgeExpiredIdempotencyRecordsEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<Housekeeping>(h => h.PurgeExpiredIdempotencyRecordsAsync(CancellationToken.None), cancellationToken);

    /// <summary>Stored create responses older than <see cref="JobsOptions.IdempotencyRetention"/> are no longer replayed.</summary>
    [JobDisplayName("Purge old idempotency records")]
    public async Task<string> PurgeExpiredIdempotencyRecordsAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.IdempotencyRetention;
        var deleted = await db.IdempotencyRecords.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Purged {Count} idempotency record(s) older than {Retention}.", deleted, options.Value.IdempotencyRetention);
        return $"{deleted} idempotency record(s) older than {options.Value.IdempotencyRetention.TotalDays:0} days deleted";
    }

    [JobDisplayName("Purge old job history, every tenant")]
    public Task<IReadOnlyList<string>> PurgeJobHistoryEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<Housekeeping>(h => h.PurgeJobHistoryAsync(CancellationToken.None), cancellationToken);

    /// <summary>The Jobs page's rows of runs last changed longer than <see cref="JobsOptions.JobHistoryRetention"/> ago.</summary>
    [JobDisplayName("Purge old job history")]
    public async Task<string> PurgeJobHistoryAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.JobHistoryRetention;
        var deleted = await db.JobRuns.Where(r => r.UpdatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Purged {Count} job run(s) older than {Retention}.", deleted, options.Value.JobHistoryRetention);
        return $"{deleted} job run(s) older than {options.Value.JobHistoryRetention.TotalDays:0} days deleted";
    }
}
