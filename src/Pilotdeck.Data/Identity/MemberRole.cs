namespace Pilotdeck.Data.Identity;

/// <summary>A user's role within one tenant; stored and emitted in tokens in lower case.</summary>
public enum MemberRole
{
    Owner,
    Admin,
    Facilitator,
    Analyst,
    Viewer,
}

public static class MemberRoles
{
    public static string ToClaimValue(this MemberRole role) => role.ToString().ToLowerInvariant();

    public static MemberRole Parse(string value) => Enum.Parse<MemberRole>(value, ignoreCase: true);
}
