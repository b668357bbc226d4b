using System.Globalization;
using System.Text;
using Google.Protobuf;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Hosting;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Feedback;

/// <summary>
/// The daily feedback report (docs/feedback.md, "Daily reports"): once a day, per tenant, each
/// recruiting or running cohort's summary is stored as that day's report, and a message with the
/// headline figures and a link to that report's page in the portal goes to the team's webhook through the
/// outbox — in one transaction with the report's receipt. A second run on the same day finds the
/// report stored and does nothing.
/// </summary>
public sealed class FeedbackReports(
    PilotdeckDbContext db, FeedbackSummaries summaries, NotificationOutbox outbox, ChangeReceipts receipts, TenantFanOut fanOut, IConfiguration configuration, TimeProvider time)
{
    public const string JobId = "feedback-daily-report";
    public const string Action = "feedback.daily-report";

    private static readonly string[] ActiveCohortStates = [Lifecycles.Recruiting, Lifecycles.Running];

    [JobDisplayName("Daily feedback reports, every tenant")]
    public Task<IReadOnlyList<string>> RunEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<FeedbackReports>(r => r.RunAsync(CancellationToken.None), cancellationToken);

    [JobDisplayName("Daily feedback reports")]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var cohorts = await db.Cohorts.AsNoTracking().Where(c => ActiveCohortStates.Contains(c.State))
            .Where(c => !db.FeedbackReports.Any(r => r.CohortId == c.Id && r.Day == today))
            .OrderBy(c => c.Slug).ToListAsync(cancellationToken);
        var jobReceipts = receipts.ForJob(JobId);
        foreach (var cohort in cohorts)
        {
            var summary = await summaries.SummarizeAsync(cohort.Id, cohort.Slug, cancellationToken);
            await jobReceipts.RecordAsync(Action, r => $"cohorts/{cohort.Slug}/reports/{r.Day:yyyy-MM-dd}", async () =>
            {
                var report = new FeedbackReportRecord
                {
                    CohortId = cohort.Id,
                    Day = today,
                    Total = summary.Total,
                    AverageRating = summary.AverageRating,
                    SummaryJson = JsonFormatter.Default.Format(summary),
                    CreatedAt = time.GetUtcNow(),
                };
                db.FeedbackReports.Add(report);
                await outbox.EnqueueAsync(Message(cohort.Slug, cohort.Title, today, summary), cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                return report;
            }, r => Encoding.UTF8.GetBytes(r.SummaryJson), cancellationToken);
            db.ChangeTracker.Clear();
        }

        return $"{cohorts.Count} daily feedback report(s) stored";
    }

    private Notification Message(string slug, string title, DateOnly day, Contracts.Feedback.V1.GetFeedbackSummaryResponse summary)
    {
        var portal = (configuration[EndpointConfiguration.PortalUrlKey] is { Length: > 0 } url ? url : EndpointConfiguration.DefaultPortalUrl).TrimEnd('/');
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var blocker = summary.Blockers.Count > 0 ? $" Most reported blocker: \"{summary.Blockers[0].Text}\" ({summary.Blockers[0].Count}×)." : "";
        return new Notification(NotificationChannels.Webhook, "", $"Feedback report {slug} {date}",
            $"{title}: {summary.Total} piece(s) of feedback so far, average rating {summary.AverageRating.ToString("0.00", CultureInfo.InvariantCulture)} of 5.{blocker} " +
            $"Report: {portal}/cohorts/{slug}/feedback/reports/{date} (or `pilotdeck feedback report --cohort {slug} --date {date}`).",
            $"cohorts/{slug}", $"feedback-report:{slug}:{date}");
    }
}
