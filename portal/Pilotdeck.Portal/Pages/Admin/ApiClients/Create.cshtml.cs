using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>Creates an API client and hands its secret to the show-once page.</summary>
public sealed class CreateModel : PortalPageModel
{
    internal static readonly FieldMap Fields = new FieldMap()
        .Add("name", "Input.Name", "Name")
        .Add("scopes", "Input.Scopes", "Scopes")
        .Add("lifetime_days", "Input.LifetimeDays", "Lifetime");

    public CreateModel(ScopeCatalog scopes) => Catalog = scopes;

    public ScopeCatalog Catalog { get; }

    [BindProperty]
    public CreateApiClientInput Input { get; set; } = new();

    public void OnGet() => Input.RequestId = Guid.NewGuid().ToString();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            // Only binding can fail here (e.g. a lifetime that is not a number); the API checks the rest.
            return Page();
        }

        try
        {
            var request = new CreateApiClientRequest { RequestId = Input.RequestId, Name = Input.Name ?? "", LifetimeDays = Input.LifetimeDays };
            request.Scopes.AddRange(Input.AllScopes());
            var created = await Api.Identity.CreateApiClientAsync(request, cancellationToken: Aborted);
            new IssuedSecret(created.ApiClient.ClientId, created.ApiClient.Name, created.ClientSecret, Rotated: false).Store(TempData);
            return RedirectToPage("/Admin/ApiClients/Secret");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
            Input.RequestId = Guid.NewGuid().ToString();
            return Page();
        }
    }
}
