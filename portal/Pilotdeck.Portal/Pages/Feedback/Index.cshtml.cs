using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Feedback;

/// <summary>
/// Feedback across the tenant: the totals of every cohort's feedback, and each cohort with a link
/// to its dashboard (/cohorts/{slug}/feedback), where the charts, blockers and alerts are.
/// </summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public GetFeedbackSummaryResponse? Summary { get; private set; }

    public IReadOnlyList<Cohort> Cohorts { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            Summary = await Api.Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest(), cancellationToken: Aborted);
            var page = await Api.Cohorts.ListCohortsAsync(new ListCohortsRequest { PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Cohorts = page.Cohorts;
            Pager = new PagerViewModel("/Feedback/Index", PageToken, page.NextPageToken, new Dictionary<string, string?>());
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }
}
