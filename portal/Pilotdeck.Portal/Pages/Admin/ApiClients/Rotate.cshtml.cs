using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>Confirms, then issues a new secret; the old one stops working at once.</summary>
public sealed class RotateModel : PortalPageModel
{
    private readonly TimeProvider _time;

    public RotateModel(TimeProvider time) => _time = time;

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
            var rotated = await Api.Identity.RotateApiClientSecretAsync(new RotateApiClientSecretRequest { ClientId = ClientId }, cancellationToken: Aborted);
            new IssuedSecret(rotated.ApiClient.ClientId, rotated.ApiClient.Name, rotated.ClientSecret, Rotated: true).Store(TempData);
            return RedirectToPage("/Admin/ApiClients/Secret");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
            return Page();
        }
    }
}
