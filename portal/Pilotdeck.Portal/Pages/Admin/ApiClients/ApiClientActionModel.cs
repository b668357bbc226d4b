using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>
/// A page that confirms one action on one API client (revoke, rotate): GET shows the client, POST
/// acts; a refusal either way shows the API's problem on the page.
/// </summary>
public abstract class ApiClientActionModel(TimeProvider time) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string ClientId { get; set; } = "";

    public ApiClientRow? Client { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var response = await Api.Identity.GetApiClientAsync(new GetApiClientRequest { ClientId = ClientId }, cancellationToken: Aborted);
            Client = ApiClientRow.From(response.ApiClient, time.GetUtcNow());
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
            return await ActAsync();
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
            return Page();
        }
    }

    /// <summary>Calls the API and says where to go next.</summary>
    protected abstract Task<IActionResult> ActAsync();
}
