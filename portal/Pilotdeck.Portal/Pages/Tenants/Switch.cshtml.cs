using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Tenants;

/// <summary>
/// Switching tenants is a new sign-in: the API binds every token (refresh tokens included) to one
/// tenant and only the password grant accepts a tenant, and the portal never keeps passwords. So
/// the switcher sends the user to sign-in with their email and the chosen tenant filled in; the
/// current session stays valid until that succeeds, so cancelling costs nothing.
/// </summary>
public sealed class SwitchModel : PortalPageModel
{
    [BindProperty]
    public SwitchInput Input { get; set; } = new();

    public IActionResult OnGet() => RedirectToPage("/Home/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        var returnUrl = Url.IsLocalUrl(Input.ReturnUrl) ? Input.ReturnUrl : "/";
        if (string.IsNullOrEmpty(Input.TenantId) || Input.TenantId == CurrentUser.TenantId)
        {
            return LocalRedirect(returnUrl);
        }

        string? tenantName = null;
        try
        {
            var tenants = await Api.Identity.ListMyTenantsAsync(new ListMyTenantsRequest(), cancellationToken: Aborted);
            tenantName = tenants.Tenants.FirstOrDefault(t => t.TenantId == Input.TenantId)?.TenantName;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            // Only the display name is lost; the token endpoint still checks membership.
        }

        return RedirectToPage("/SignIn/Index", new
        {
            email = CurrentUser.Email,
            tenant = Input.TenantId,
            switchingTo = tenantName ?? Input.TenantId,
            returnUrl,
        });
    }
}
