using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Cohorts;
using Pilotdeck.Cli.Output;
using Pilotdeck.Contracts.Feedback.V1;

namespace Pilotdeck.Cli.Feedback;

/// <summary>
/// <c>pilotdeck feedback submit|list|report|reports|alerts</c>: record what a participant said, read it
/// back, the cohort's report — sentiment per day and week, ratings, grouped blockers — and its alerts (docs/feedback.md).
/// </summary>
public static class FeedbackCommand
{
    private static readonly Column<Contracts.Feedback.V1.Feedback>[] FeedbackColumns =
    [
        new("feedback_id", f => f.FeedbackId),
        new("participant_id", f => f.ParticipantId),
        new("cohort", f => f.Cohort),
        new("rating", f => f.Rating),
        new("sentiment", f => f.Sentiment),
        new("highlights", f => f.Highlights.ToList()),
        new("blockers", f => f.Blockers.ToList()),
        new("given_date", f => f.GivenDate),
        new("submitted_by", f => f.SubmittedBy, Wide: true),
        new("create_time", f => f.CreateTime?.ToDateTimeOffset()),
    ];

    private static readonly Column<SentimentPeriod>[] PeriodColumns =
    [
        new("period", p => p.Period),
        new("positive", p => p.Positive),
        new("neutral", p => p.Neutral),
        new("negative", p => p.Negative),
        new("negative_share", p => Percent(p.NegativeShare)),
        new("average_rating", p => p.AverageRating.ToString("0.00", CultureInfo.InvariantCulture)),
    ];

    private static readonly Column<BlockerGroup>[] BlockerColumns =
    [
        new("blocker", b => b.Text),
        new("count", b => b.Count),
        new("participants", b => b.Participants),
        new("also_said_as", b => b.Variants.ToList()),
    ];

    private static readonly Column<FeedbackReportEntry>[] ReportColumns =
    [
        new("date", r => r.Date),
        new("total", r => r.Total),
        new("average_rating", r => r.AverageRating.ToString("0.00", CultureInfo.InvariantCulture)),
        new("create_time", r => r.CreateTime?.ToDateTimeOffset()),
    ];

    private static readonly Column<SentimentAlert>[] AlertColumns =
    [
        new("cohort", a => a.Cohort),
        new("kind", a => a.Kind),
        new("negative", a => a.Negative),
        new("total", a => a.Total),
        new("negative_share", a => Percent(a.NegativeShare)),
        new("window_days", a => a.WindowDays),
        new("create_time", a => a.CreateTime?.ToDateTimeOffset()),
    ];

    public static Command Create(ApiContext api) => new("feedback", "Participants' feedback: submit it, list it, summarise a cohort's.")
    {
        Submit(api),
        List(api),
        Report(api),
        Reports(api),
        Alerts(api),
    };

    private static Command Submit(ApiContext api)
    {
        var participant = new Option<string>("--participant") { Description = "The participant's id.", Required = true };
        var rating = new Option<int>("--rating") { Description = "1 (poor) to 5 (excellent).", Required = true };
        var sentiment = new Option<string>("--sentiment") { Description = "positive, neutral or negative.", Required = true };
        var highlights = new Option<string[]>("--highlight") { Description = "What worked (repeatable)." };
        var blockers = new Option<string[]>("--blocker") { Description = "What stood in the way (repeatable)." };
        var output = Renderer.CreateOption();
        var command = new Command("submit", "Record one piece of feedback on a participant's behalf.") { participant, rating, sentiment, highlights, blockers, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new SubmitFeedbackRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ParticipantId = parse.GetValue(participant)!,
                Rating = parse.GetValue(rating),
                Sentiment = parse.GetValue(sentiment)!,
            };
            request.Highlights.AddRange(parse.GetValue(highlights) ?? []);
            request.Blockers.AddRange(parse.GetValue(blockers) ?? []);
            var feedback = (await client.Feedback.SubmitFeedbackAsync(request, cancellationToken: token)).Feedback;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), feedback, FeedbackColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Recorded feedback {feedback.FeedbackId} ({feedback.Sentiment}, {feedback.Rating}/5) for participant {feedback.ParticipantId}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: false);
        var participant = new Option<string?>("--participant") { Description = "Only this participant's feedback." };
        var sentiment = new Option<string?>("--sentiment") { Description = "Only positive, neutral or negative feedback." };
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List feedback, newest first.") { cohort, participant, sentiment, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListFeedbackRequest { Cohort = parse.GetValue(cohort) ?? "", ParticipantId = parse.GetValue(participant) ?? "", Sentiment = parse.GetValue(sentiment) ?? "" };
            var feedback = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Feedback.ListFeedbackAsync(request, cancellationToken: token);
                return (page.Feedback.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), feedback, FeedbackColumns, "No feedback yet.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Report(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: false);
        var date = new Option<string?>("--date") { Description = "YYYY-MM-DD: the report the daily job stored that day (needs --cohort); default: the live report." };
        var output = Renderer.CreateOption(withCsv: false);
        output.Aliases.Add("--format");
        var command = new Command("report", "A cohort's feedback report (every cohort's without --cohort): ratings, sentiment per day and week, blockers grouped. JSON is the API's summary, for BI tools.")
        {
            cohort, date, output,
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var slug = parse.GetValue(cohort) ?? "";
            var summary = slug.Length == 0 && parse.GetValue(date) is null
                ? await client.Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest(), cancellationToken: token)
                : (await client.Feedback.GetFeedbackReportAsync(new GetFeedbackReportRequest { Cohort = slug, Date = parse.GetValue(date) ?? "" }, cancellationToken: token)).Summary;
            var format = Renderer.FormatOf(parse, output);
            if (format == OutputFormat.Json)
            {
                writer.WriteLine(JsonFormatter.Default.Format(summary));
                return ExitCodes.Ok;
            }

            WriteSummary(writer, format, summary, parse.GetValue(date));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Reports(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: true);
        var limit = Paging.LimitOption("newest first", 30);
        var output = Renderer.CreateOption();
        var command = new Command("reports", "The days a cohort has a stored daily report for (read one with `feedback report --date`).") { cohort, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListFeedbackReportsRequest { Cohort = parse.GetValue(cohort)! };
            var reports = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Feedback.ListFeedbackReportsAsync(request, cancellationToken: token);
                return (page.Reports.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), reports, ReportColumns, "No daily reports stored yet.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Alerts(ApiContext api)
    {
        var cohort = CohortCommand.CohortOption(required: false);
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("alerts", "Sentiment alerts: when a cohort's share of negative feedback crossed the alert level, and when it cleared.") { cohort, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListSentimentAlertsRequest { Cohort = parse.GetValue(cohort) ?? "" };
            var alerts = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Feedback.ListSentimentAlertsAsync(request, cancellationToken: token);
                return (page.Alerts.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), alerts, AlertColumns, "No sentiment alerts.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void WriteSummary(TextWriter writer, OutputFormat format, GetFeedbackSummaryResponse summary, string? date)
    {
        var markdown = format == OutputFormat.Markdown;
        void Heading(string text) => writer.WriteLine(markdown ? $"\n## {text}\n" : $"\n{text}");

        var title = $"Feedback: {Scope(summary)}" + (date is null ? "" : $", report of {date}");
        writer.WriteLine(markdown ? $"# {title}\n" : title);
        writer.WriteLine($"{summary.Total} piece(s) of feedback, average rating {summary.AverageRating.ToString("0.00", CultureInfo.InvariantCulture)} of 5.");
        if (summary.Total == 0)
        {
            return;
        }

        Heading("Ratings");
        var widest = Math.Max(1, summary.RatingDistribution.Max(r => r.Count));
        foreach (var r in summary.RatingDistribution.OrderByDescending(r => r.Rating))
        {
            // A bar people read at a glance; 30 characters for the most given rating.
            writer.WriteLine($"{(markdown ? "    " : "")}{r.Rating}  {new string('#', (int)Math.Round(30.0 * r.Count / widest)),-30}  {r.Count}");
        }

        Heading("Sentiment per week");
        Renderer.List(writer, format, summary.Weekly, PeriodColumns);
        Heading("Sentiment per day");
        Renderer.List(writer, format, summary.Daily, PeriodColumns);
        Heading("Blockers");
        Renderer.List(writer, format, summary.Blockers, BlockerColumns, "No blockers reported.");
    }

    private static string Scope(GetFeedbackSummaryResponse summary) => summary.Cohort.Length > 0 ? $"cohort {summary.Cohort}" : "every cohort";

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
