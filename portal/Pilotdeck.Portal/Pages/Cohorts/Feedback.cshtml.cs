using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// A cohort's live feedback dashboard (docs/feedback.md): totals, the sentiment trend, the rating
/// distribution, the most reported blockers with their other wordings, the sentiment alerts and
/// the latest feedback filtered by sentiment. The stored daily reports are FeedbackReports.
/// </summary>
public sealed class CohortFeedbackModel(PortalOptions options) : PortalPageModel
{
    /// <summary>Alerts shown: the recent history is what matters here; the CLI lists them all.</summary>
    private const int AlertsShown = 20;

    [BindProperty(SupportsGet = true)]
    public string Slug { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? Sentiment { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public const string NoFeedbackYet = "No feedback for this cohort yet. Facilitators submit it from a participant's page; partner systems through the API.";

    public GetFeedbackSummaryResponse? Summary { get; private set; }

    public IReadOnlyList<SentimentAlert> Alerts { get; private set; } = [];

    public FeedbackList? Latest { get; private set; }

    public PagerViewModel? Pager { get; private set; }

    public static IReadOnlyList<string> Sentiments { get; } = ["positive", "neutral", "negative"];

    /// <summary>The alert in force: the newest entry, when it is a raise.</summary>
    public SentimentAlert? Standing => Alerts.Count > 0 && Alerts[0].Kind == "raised" ? Alerts[0] : null;

    public async Task OnGetAsync()
    {
        try
        {
            Summary = await Api.Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = Slug }, cancellationToken: Aborted);
            Alerts = (await Api.Feedback.ListSentimentAlertsAsync(new ListSentimentAlertsRequest { Cohort = Slug, PageSize = AlertsShown }, cancellationToken: Aborted)).Alerts;
            var page = await Api.Feedback.ListFeedbackAsync(
                new ListFeedbackRequest { Cohort = Slug, Sentiment = Sentiment ?? "", PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            await NameActorsAsync();
            Latest = new FeedbackList(page.Feedback, $"Feedback of {Slug}, newest first", Actors)
            {
                Participants = await ParticipantNames.LoadAsync(Api, page.Feedback.Select(f => f.ParticipantId), Aborted),
            };
            Pager = new PagerViewModel("/Cohorts/Feedback", PageToken, page.NextPageToken, new Dictionary<string, string?> { ["slug"] = Slug, ["sentiment"] = Sentiment });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}

/// <summary>A summary's totals and charts (<c>_FeedbackSummary</c>), live or as a daily report stored it.</summary>
/// <param name="EmptyText">Shown instead of the charts when the summary counts no feedback.</param>
public sealed record FeedbackSummaryView(GetFeedbackSummaryResponse Summary, string EmptyText);

/// <summary>Feedback as a table, on the cohort dashboard (with the participant) and on a participant's page (without).</summary>
public sealed record FeedbackList(IReadOnlyList<Contracts.Feedback.V1.Feedback> Items, string Caption, ActorNames Actors)
{
    /// <summary>With it, a column naming who gave each piece (as <see cref="SessionTable"/> has).</summary>
    public ParticipantNames? Participants { get; init; }
}
