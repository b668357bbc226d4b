using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Cli.Api;

/// <summary>Tenant roles as the CLI spells them: viewer, analyst, facilitator, admin, owner.</summary>
public static class Roles
{
    public static readonly string[] Names = ["viewer", "analyst", "facilitator", "admin", "owner"];

    public static TenantRole Parse(string name) => name.ToLowerInvariant() switch
    {
        "viewer" => TenantRole.Viewer,
        "analyst" => TenantRole.Analyst,
        "facilitator" => TenantRole.Facilitator,
        "admin" => TenantRole.Admin,
        "owner" => TenantRole.Owner,
        _ => throw new CliException(ExitCodes.Usage, $"unknown role '{name}'.", "Use one of: " + string.Join(", ", Names) + "."),
    };

    public static string? Name(TenantRole role) => role == TenantRole.Unspecified ? null : role.ToString().ToLowerInvariant();
}
