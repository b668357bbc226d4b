namespace Pilotdeck.Data.Identity;

/// <summary>A user's role within one tenant; stored and emitted in tokens in lower case.</summary>
public enum TenantRole
{
    Owner,
    Admin,
    Facilitator,
    Analyst,
    Viewer,
}

public static class TenantRoles
{
    public static string ToClaimValue(this TenantRole role) => role.ToString().ToLowerInvariant();

    public static TenantRole Parse(string value) => Enum.Parse<TenantRole>(value, ignoreCase: true);
}
