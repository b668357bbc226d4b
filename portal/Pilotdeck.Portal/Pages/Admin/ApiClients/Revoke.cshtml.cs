using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>Confirms, then revokes an API client: its tokens stop being accepted.</summary>
public sealed class RevokeModel : PortalPageModel
{
    private readonly TimeProvider _time;

    public RevokeModel(TimeProvider time) => _time = time;

    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    public ApiClientRow? Client { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var response = await Api.Identity.GetApiClientAsync(new GetApiClientRequest { ClientId = ClientId }, cancellationToken: Aborted);
            Client = ApiClientRow.From(response.ApiClient, _time.GetUtcNow());
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var revoked = await Api.Identity.RevokeApiClientAsync(new RevokeApiClientRequest { ClientId = ClientId }, cancellationToken: Aborted);
            FlashNext($"{revoked.ApiClient.Name} was revoked; its tokens are no longer accepted.");
            return RedirectToPage("/Admin/ApiClients/Index");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
            return Page();
        }
    }
}
