using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Imports;

/// <summary>The tenant's imports, newest first, and the way into the import wizard.</summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public IReadOnlyList<Import> Recent { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var page = await Api.Imports.ListImportsAsync(new ListImportsRequest { PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Recent = page.Imports;
            Pager = new PagerViewModel("/Imports/Index", PageToken, page.NextPageToken, new Dictionary<string, string?>());
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public static string StateLabel(ImportState state) => state.ToString().ToLowerInvariant();
}
