using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

/// <summary>
/// One link of a rotating refresh-token chain. Tokens of one sign-in share a <see cref="FamilyId"/>
/// so that replaying a consumed token can revoke the whole chain.
/// </summary>
public sealed class RefreshToken : ITenantOwned
{
    public required string Id { get; init; }
    public string TenantId { get; init; } = "";
    public required string UserId { get; init; }
    public required string FamilyId { get; init; }

    /// <summary>SHA-256 of the token; the token itself is only ever held by the client.</summary>
    public required byte[] TokenHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
