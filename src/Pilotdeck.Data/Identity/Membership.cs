using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

public sealed class Membership : ITenantOwned
{
    public string TenantId { get; init; } = "";
    public required string UserId { get; init; }
    public MemberRole Role { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
