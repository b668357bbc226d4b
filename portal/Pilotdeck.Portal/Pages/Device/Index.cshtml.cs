using System.ComponentModel.DataAnnotations;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Device;

/// <summary>
/// Where a signed-in user approves a CLI's device sign-in (RFC 8628): they enter the code the CLI
/// printed (or arrive with it in the link) and pick the tenant the CLI will act in. The API checks
/// the code and the membership; a refusal leaves the code pending so it can be retried.
/// </summary>
public sealed class IndexModel(PortalClientFactory clients) : PortalPageModel
{
    [BindProperty(SupportsGet = true, Name = "user_code")]
    [Required(ErrorMessage = "Enter the code the CLI shows.")]
    [Display(Name = "Code")]
    public string? UserCode { get; set; }

    [BindProperty]
    [Display(Name = "Tenant for the CLI")]
    public string? TenantId { get; set; }

    public IReadOnlyList<TenantMembership> Tenants { get; private set; } = [];

    public bool Approved { get; private set; }

    public async Task OnGetAsync() => await LoadTenantsAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadTenantsAsync();
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var tokens = await Api.GetTokensAsync(Aborted);
        var tenant = string.IsNullOrEmpty(TenantId) ? CurrentUser.TenantId : TenantId;
        var refusal = await clients.ApproveDeviceSignInAsync(HttpContext, tokens.AccessToken, UserCode!.Trim().ToUpperInvariant(), tenant, Aborted);
        if (refusal is not null)
        {
            ModelState.AddModelError(nameof(UserCode), refusal);
            return Page();
        }

        Approved = true;
        return Page();
    }

    private async Task LoadTenantsAsync()
    {
        TenantId ??= CurrentUser.TenantId;
        try
        {
            Tenants = (await Api.Identity.ListMyTenantsAsync(new ListMyTenantsRequest(), cancellationToken: Aborted)).Tenants;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
