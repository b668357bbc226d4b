namespace Pilotdeck.Data.Tenancy;

/// <summary>
/// A row that belongs to exactly one tenant. <see cref="PilotdeckDbContext"/> filters such rows to the
/// tenant bound to the current scope and refuses to save them for any other tenant.
/// </summary>
public interface ITenantOwned
{
    /// <summary>The owning tenant. Left empty on a new entity, it is stamped with the bound tenant on save.</summary>
    string TenantId { get; }
}
