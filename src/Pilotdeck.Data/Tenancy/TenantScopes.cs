using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Pilotdeck.Data.Tenancy;

public static class TenantScopes
{
    /// <summary>
    /// Creates a DI scope bound to <paramref name="tenantId"/>, for work that does not arrive with a
    /// token: background jobs, seeding, CLI commands.
    /// </summary>
    public static AsyncServiceScope CreateTenantScope(this IServiceScopeFactory scopes, string tenantId)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Bind(tenantId);
        return scope;
    }

    /// <summary>
    /// Every tenant's id, in order, for installation-level work that then runs once per tenant in a
    /// scope of its own. The tenant registry is not tenant-owned, so an unbound scope lists it.
    /// </summary>
    public static async Task<List<string>> ListTenantIdsAsync(this IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        await using var unbound = scopes.CreateAsyncScope();
        return await unbound.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Tenants
            .Select(t => t.Id).OrderBy(id => id).ToListAsync(cancellationToken);
    }

    /// <inheritdoc cref="CreateTenantScope(IServiceScopeFactory, string)"/>
    public static AsyncServiceScope CreateTenantScope(this IServiceProvider services, string tenantId)
        => services.GetRequiredService<IServiceScopeFactory>().CreateTenantScope(tenantId);
}
