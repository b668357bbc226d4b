namespace Pilotdeck.Data.Tenancy;

/// <summary>An attempt to write a tenant-owned row outside the tenant bound to the current scope.</summary>
public sealed class TenantIsolationException(string message) : InvalidOperationException(message);
