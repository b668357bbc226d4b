using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>Confirms, then issues a new secret; the old one stops working at once.</summary>
public sealed class RotateModel(TimeProvider time) : ApiClientActionModel(time)
{
    protected override async Task<IActionResult> ActAsync()
    {
        var rotated = await Api.Identity.RotateApiClientSecretAsync(new RotateApiClientSecretRequest { ClientId = ClientId }, cancellationToken: Aborted);
        new IssuedSecret(rotated.ApiClient.ClientId, rotated.ApiClient.Name, rotated.ClientSecret, Rotated: true).Store(TempData);
        return RedirectToPage("/Admin/ApiClients/Secret");
    }
}
