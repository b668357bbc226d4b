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

    /// <inheritdoc cref="CreateTenantScope(IServiceScopeFactory, string)"/>
    public static AsyncServiceScope CreateTenantScope(this IServiceProvider services, string tenantId)
        => services.GetRequiredService<IServiceScopeFactory>().CreateTenantScope(tenantId);
}
