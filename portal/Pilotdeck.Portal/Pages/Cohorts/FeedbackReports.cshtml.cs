using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// A cohort's stored daily feedback reports, newest first (docs/feedback.md, "Daily reports"): the
/// day, its headline figures and a link to the report drawn as the dashboard draws the live one.
/// </summary>
public sealed class FeedbackReportsModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Slug { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public IReadOnlyList<FeedbackReportEntry>? Reports { get; private set; }

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var page = await Api.Feedback.ListFeedbackReportsAsync(
                new ListFeedbackReportsRequest { Cohort = Slug, PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Reports = page.Reports;
            Pager = new PagerViewModel("/Cohorts/FeedbackReports", PageToken, page.NextPageToken, new Dictionary<string, string?> { ["slug"] = Slug });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
