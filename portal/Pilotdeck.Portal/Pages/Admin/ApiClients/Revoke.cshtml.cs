using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>Confirms, then revokes an API client: its tokens stop being accepted.</summary>
public sealed class RevokeModel(TimeProvider time) : ApiClientActionModel(time)
{
    protected override async Task<IActionResult> ActAsync()
    {
        var revoked = await Api.Identity.RevokeApiClientAsync(new RevokeApiClientRequest { ClientId = ClientId }, cancellationToken: Aborted);
        FlashNext($"{revoked.ApiClient.Name} was revoked; its tokens are no longer accepted.");
        return RedirectToPage("/Admin/ApiClients/Index");
    }
}
