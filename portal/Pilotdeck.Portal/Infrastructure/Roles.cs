using Microsoft.AspNetCore.Mvc.Rendering;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>Tenant roles as people read them, lowest to highest.</summary>
public static class Roles
{
    public static IReadOnlyList<TenantRole> Assignable { get; } =
        [TenantRole.Viewer, TenantRole.Analyst, TenantRole.Facilitator, TenantRole.Admin, TenantRole.Owner];

    public static string Label(TenantRole role) => role switch
    {
        TenantRole.Unspecified => "No role",
        _ => role.ToString(),
    };

    public static IEnumerable<SelectListItem> Options(TenantRole? selected = null) =>
        Assignable.Select(r => new SelectListItem(Label(r), r.ToString(), r == selected));
}
