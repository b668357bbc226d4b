using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Auth;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Recurring cleanup of rows only the platform creates. Tenant-owned rows: each schedule fans out
/// to one job per tenant (<see cref="TenantFanOut"/>), each one set-based delete in its own tenant.
/// </summary>
public sealed class Housekeeping(
    PilotdeckDbContext db,
    TenantFanOut fanOut,
    IOptions<JobsOptions> options,
    IOptions<TokenOptions> tokenOptions,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    TimeProvider time,
    ILogger<Housekeeping> logger)
{
    public const string PruneTokensJobId = "prune-tokens";
    public const string PurgeIdempotencyRecordsJobId = "purge-expired-idempotency-records";
    public const string PurgeJobHistoryJobId = "purge-job-history";

    /// <summary>
    /// OpenIddict's tokens and ad-hoc authorizations that can no longer be used (expired, redeemed,
    /// revoked) once they are older than the longest refresh chain: until then a replayed refresh
    /// token must still be recognised to end its chain. They belong to no tenant, so one job does all.
    /// </summary>
    [JobDisplayName("Prune used and expired tokens")]
    public async Task<string> PruneTokensAsync(CancellationToken cancellationToken)
    {
        var threshold = time.GetUtcNow() - tokenOptions.Value.RefreshTokenLifetime;
        var tokensPruned = await tokens.PruneAsync(threshold, cancellationToken);
        var authorizationsPruned = await authorizations.PruneAsync(threshold, cancellationToken);
        logger.LogInformation("Pruned {Tokens} token(s) and {Authorizations} authorization(s) older than {Threshold}.", tokensPruned, authorizationsPruned, threshold);
        return $"{tokensPruned} token(s) and {authorizationsPruned} authorization(s) pruned";
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
