using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Home;

/// <summary>The caller as the API describes them, for the dashboard.</summary>
public sealed record HomeViewModel(string Subject, string Email, string TenantId, string TenantName, string Role, IReadOnlyList<string> Scopes)
{
    public static HomeViewModel From(GetCallerIdentityResponse caller, string tenantName) =>
        new(caller.Subject, caller.Email, caller.TenantId, tenantName, Roles.Label(caller.Role), [.. caller.Scopes]);
}
