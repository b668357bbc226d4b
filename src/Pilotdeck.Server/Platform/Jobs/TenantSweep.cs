using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Runs installation-level work once per tenant, each pass in a scope bound to that tenant, so the
/// data layer's filter and write guard apply to housekeeping exactly as to calls: a job never needs
/// to bypass tenancy to clean every tenant's rows.
/// </summary>
public sealed class TenantSweep(IServiceScopeFactory scopes)
{
    /// <summary>Runs <paramref name="work"/> for every tenant and returns the sum of what it reports (e.g. rows deleted).</summary>
    public async Task<int> ForEachTenantAsync(Func<IServiceProvider, CancellationToken, Task<int>> work, CancellationToken cancellationToken)
    {
        List<string> tenantIds;
        await using (var unbound = scopes.CreateAsyncScope())
        {
            // The tenant registry is not tenant-owned: an unbound scope lists it.
            tenantIds = await unbound.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Tenants
                .Select(t => t.Id).OrderBy(id => id).ToListAsync(cancellationToken);
        }

        var total = 0;
        foreach (var tenantId in tenantIds)
        {
            await using var scope = scopes.CreateTenantScope(tenantId);
            total += await work(scope.ServiceProvider, cancellationToken);
        }

        return total;
    }
}
