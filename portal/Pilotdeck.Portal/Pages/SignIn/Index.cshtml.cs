using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.SignIn;

/// <summary>
/// Email + password (+ optional tenant) → the token endpoint's password grant through the SDK →
/// the token set goes into the encrypted sign-in cookie. The password itself is never stored.
/// </summary>
public sealed class IndexModel : PortalPageModel
{
    private readonly PortalClientFactory _clients;

    public IndexModel(PortalClientFactory clients) => _clients = clients;

    [BindProperty]
    public SignInInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Expired { get; set; }

    /// <summary>Set by the tenant switcher: the tenant's display name.</summary>
    [BindProperty(SupportsGet = true)]
    public string? SwitchingTo { get; set; }

    public SignInViewModel ViewModel => SignInViewModel.For(Expired, SwitchingTo);

    public void OnGet(string? email, string? tenant)
    {
        Input.Email = email ?? "";
        Input.Tenant = tenant;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var tenant = string.IsNullOrWhiteSpace(Input.Tenant) ? null : Input.Tenant.Trim();
        try
        {
            using var client = _clients.Create(PilotdeckCredentials.Password(Input.Email.Trim(), Input.Password, tenant), HttpContext);
            await client.GetTokensAsync(Aborted);
            var caller = await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken: Aborted);
            var tenants = await client.Identity.ListMyTenantsAsync(new ListMyTenantsRequest(), cancellationToken: Aborted);
            var tenantName = tenants.Tenants.FirstOrDefault(t => t.TenantId == caller.TenantId)?.TenantName ?? caller.TenantId;
            var user = new PortalUser(caller.Subject, caller.Email, caller.TenantId, tenantName, caller.Role, caller.InstallationOperator);
            // Read the set again: the calls above may already have refreshed it.
            await PortalAuthentication.SignInAsync(HttpContext, user, await client.GetTokensAsync(Aborted));
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }
        catch (PilotdeckAuthException ex)
        {
            // invalid_grant carries the reason meant for the user: wrong credentials, lockout, not a member.
            ModelState.AddModelError(string.Empty, ex.Error == "invalid_grant" ? ex.Description : $"Sign-in failed: {ex.Description}");
        }
        catch (RpcException ex)
        {
            ShowProblem(ex);
        }
        catch (HttpRequestException)
        {
            Problem = new ApiProblem("The Pilotdeck API is not reachable right now. Try again in a moment.", "", null, []);
        }

        return Page();
    }
}
