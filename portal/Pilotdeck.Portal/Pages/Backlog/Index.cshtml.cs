using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Backlog;

/// <summary>The backlog entry in the menu: each cohort with a link to its board (/cohorts/{slug}/backlog).</summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public IReadOnlyList<Cohort> Cohorts { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var page = await Api.Cohorts.ListCohortsAsync(new ListCohortsRequest { PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Cohorts = page.Cohorts;
            Pager = new PagerViewModel("/Backlog/Index", PageToken, page.NextPageToken, new Dictionary<string, string?>());
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
