using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// One stored daily feedback report, drawn with the live dashboard's totals and charts. The daily
/// job's message to the team's channel links here.
/// </summary>
public sealed class FeedbackReportModel : PortalPageModel
{
    public const string NoFeedbackThen = "No feedback had been given when this report was stored.";

    [BindProperty(SupportsGet = true)]
    public string Slug { get; set; } = "";

    /// <summary>YYYY-MM-DD as the report list and the job's message write it; the API refuses anything else.</summary>
    [BindProperty(SupportsGet = true)]
    public string Date { get; set; } = "";

    public GetFeedbackReportResponse? Report { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            Report = await Api.Feedback.GetFeedbackReportAsync(new GetFeedbackReportRequest { Cohort = Slug, Date = Date }, cancellationToken: Aborted);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}
