using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

/// <summary>
/// A partner system or script authenticating with the client-credentials grant. Its secret is held,
/// hashed, by the OpenIddict application of the same client id; this record binds it to its tenant.
/// </summary>
public sealed class ApiClientRecord : ITenantOwned
{
    /// <summary>The public client identifier; globally unique because the token endpoint resolves the tenant from it.</summary>
    public required string ClientId { get; init; }

    public string TenantId { get; init; } = "";
    public required string Name { get; set; }

    /// <summary>Granted scopes, space-delimited as in OAuth 2.0.</summary>
    public string Scopes { get; set; } = "";

    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SecretRotatedAt { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
