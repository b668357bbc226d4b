using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Imports;

/// <summary>The tenant's imports, newest first, and the way into the import wizard.</summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    /// <summary>Unspecified lists every state.</summary>
    [BindProperty(SupportsGet = true)]
    public ImportState State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public static IReadOnlyList<ImportState> States { get; } =
        [ImportState.Planning, ImportState.Planned, ImportState.Committing, ImportState.Committed, ImportState.Failed];

    public IReadOnlyList<Import> Recent { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var page = await Api.Imports.ListImportsAsync(new ListImportsRequest { State = State, PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Recent = page.Imports;
            Pager = new PagerViewModel("/Imports/Index", PageToken, page.NextPageToken,
                new Dictionary<string, string?> { ["state"] = State == ImportState.Unspecified ? null : State.ToString() });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public static string StateLabel(ImportState state) => state.ToString().ToLowerInvariant();
}
