namespace Pilotdeck.Data.Tenancy;

/// <summary>The tenant the current DI scope (one RPC, one job run) acts for.</summary>
public interface ITenantContext
{
    /// <summary>The bound tenant id, or <c>null</c> before authentication has bound one; then no tenant-owned row is visible.</summary>
    string? TenantId { get; }
}
