using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>The tenant's API clients, a page at a time; revoked ones on request.</summary>
public sealed class IndexModel : PortalPageModel
{
    private readonly PortalOptions _options;
    private readonly TimeProvider _time;

    public IndexModel(PortalOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool ShowRevoked { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Size { get; set; }

    public IReadOnlyList<ApiClientRow> Rows { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var request = new ListApiClientsRequest { PageSize = Math.Clamp(Size ?? _options.PageSize, 1, 200), PageToken = PageToken ?? "", ShowRevoked = ShowRevoked };
            var response = await Api.Identity.ListApiClientsAsync(request, cancellationToken: Aborted);
            var now = _time.GetUtcNow();
            Rows = [.. response.ApiClients.Select(c => ApiClientRow.From(c, now))];
            Pager = new PagerViewModel("/Admin/ApiClients/Index", PageToken, response.NextPageToken, new Dictionary<string, string?>
            {
                ["showRevoked"] = ShowRevoked ? "true" : null,
                ["size"] = Size?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
