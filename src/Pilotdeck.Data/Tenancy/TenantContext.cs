namespace Pilotdeck.Data.Tenancy;

/// <summary>
/// Scoped <see cref="ITenantContext"/>. A scope is bound at most once: rebinding to another tenant
/// would let rows tracked for the first tenant be saved under the second.
/// </summary>
public sealed class TenantContext : ITenantContext
{
    public string? TenantId { get; private set; }

    /// <summary>Binds the scope to <paramref name="tenantId"/>; binding again to the same tenant is a no-op.</summary>
    /// <exception cref="TenantIsolationException">The scope is already bound to a different tenant.</exception>
    public void Bind(string tenantId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (TenantId is not null && TenantId != tenantId)
        {
            throw new TenantIsolationException($"This scope is bound to tenant '{TenantId}' and cannot act for tenant '{tenantId}'.");
        }
        TenantId = tenantId;
    }
}
