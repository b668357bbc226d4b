using System.Linq.Expressions;
using Hangfire;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Turns installation-level recurring work into one job per tenant. Each job is enqueued from a
/// scope bound to its tenant, so it is stamped with that tenant, runs in it (the data layer filters
/// and guards its queries exactly as an RPC's), appears on that tenant's Job runs page, and fails or is
/// retried on its own without touching the other tenants' runs.
/// </summary>
public sealed class TenantFanOut(IServiceScopeFactory scopes)
{
    /// <summary>Enqueues <paramref name="job"/> once per tenant and returns the job ids, in tenant id order.</summary>
    public async Task<IReadOnlyList<string>> EnqueueForEachTenantAsync<TJob>(Expression<Func<TJob, Task>> job, CancellationToken cancellationToken)
    {
        var tenantIds = await scopes.ListTenantIdsAsync(cancellationToken);
        return await EnqueueForTenantsAsync(tenantIds, job, cancellationToken);
    }

    /// <summary>Enqueues <paramref name="job"/> once for each of <paramref name="tenantIds"/> (those with work to do) and returns the job ids.</summary>
    public async Task<IReadOnlyList<string>> EnqueueForTenantsAsync<TJob>(IReadOnlyList<string> tenantIds, Expression<Func<TJob, Task>> job, CancellationToken cancellationToken)
    {
        var jobIds = new List<string>(tenantIds.Count);
        foreach (var tenantId in tenantIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var scope = scopes.CreateTenantScope(tenantId);
            jobIds.Add(scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>().Enqueue(job));
        }

        return jobIds;
    }
}
