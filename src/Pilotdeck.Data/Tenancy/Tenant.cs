namespace Pilotdeck.Data.Tenancy;

/// <summary>A partner organisation. The registry of tenants itself is not tenant-owned.</summary>
public sealed class Tenant
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
