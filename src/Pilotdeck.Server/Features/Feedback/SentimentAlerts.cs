using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Feedback;

/// <summary>When a cohort's sentiment alert fires and clears (<c>Pilotdeck:Feedback:Alerts</c>; docs/feedback.md, "Sentiment alerts").</summary>
public sealed class SentimentAlertOptions
{
    public const string Section = "Pilotdeck:Feedback:Alerts";

    /// <summary>The rolling window the negative share is taken over. Default 7 days.</summary>
    public int WindowDays { get; set; } = 7;

    /// <summary>No alert on fewer pieces of feedback in the window than this. Default 5.</summary>
    public int MinimumFeedback { get; set; } = 5;

    /// <summary>The alert fires when the negative share reaches this. Default 0.4.</summary>
    public double RaiseAt { get; set; } = 0.4;

    /// <summary>A fired alert clears only when the share falls below this (hysteresis). Default 0.25.</summary>
    public double RecoverBelow { get; set; } = 0.25;
}

/// <summary>
/// Watches each cohort's share of negative feedback over a rolling window. Crossing
/// <see cref="SentimentAlertOptions.RaiseAt"/> raises one alert — a message to the team's webhook
/// through the outbox and a receipt — and nothing more until the share falls below
/// <see cref="SentimentAlertOptions.RecoverBelow"/>, which records the recovery the same way.
/// Evaluated after each submission commits, in a transaction of its own: of two evaluations racing,
/// the unique sequence lets one record the change and the other step aside.
/// </summary>
public sealed class SentimentAlerts(PilotdeckDbContext db, NotificationOutbox outbox, ChangeReceipts receipts, IOptions<SentimentAlertOptions> options, TimeProvider time, ILogger<SentimentAlerts> logger)
{
    public const string Action = "feedback.sentiment-alert";

    /// <summary>Evaluates <paramref name="cohortId"/>'s alert; returns the change recorded, if any.</summary>
    public async Task<SentimentAlertRecord?> EvaluateAsync(string cohortId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var since = now.AddDays(-settings.WindowDays);
        var window = await db.Feedback.AsNoTracking().Where(f => f.CohortId == cohortId && f.CreatedAt >= since)
            .GroupBy(f => f.Sentiment == FeedbackSummaries.Negative).Select(g => new { Negative = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var negative = window.Where(w => w.Negative).Sum(w => w.Count);
        var total = window.Sum(w => w.Count);
        var share = total == 0 ? 0 : (double)negative / total;
        var last = await db.SentimentAlerts.AsNoTracking().Where(a => a.CohortId == cohortId).OrderByDescending(a => a.Sequence).FirstOrDefaultAsync(cancellationToken);
        var alerting = last?.Kind == SentimentAlertRecord.Raised;
        var kind = !alerting && total >= settings.MinimumFeedback && share >= settings.RaiseAt ? SentimentAlertRecord.Raised
            : alerting && share < settings.RecoverBelow ? SentimentAlertRecord.Recovered
            : null;
        if (kind is null)
        {
            return null;
        }

        var cohort = await db.Cohorts.AsNoTracking().SingleAsync(c => c.Id == cohortId, cancellationToken);
        try
        {
            return await receipts.RecordAsync(Action, a => "cohorts/" + cohort.Slug, async () =>
            {
                var message = await outbox.EnqueueAsync(Message(cohort, kind, negative, total, share, settings), cancellationToken);
                var alert = new SentimentAlertRecord
                {
                    CohortId = cohortId,
                    Sequence = (last?.Sequence ?? 0) + 1,
                    Kind = kind,
                    Negative = negative,
                    Total = total,
                    NegativeShare = Math.Round(share, 4),
                    WindowDays = settings.WindowDays,
                    MessageId = message.Id,
                    CreatedAt = now,
                };
                db.SentimentAlerts.Add(alert);
                await db.SaveChangesAsync(cancellationToken);
                return alert;
            }, a => Encoding.UTF8.GetBytes(string.Join('\n', a.CohortId, a.Sequence.ToString(CultureInfo.InvariantCulture), a.Kind, a.NegativeShare.ToString("R", CultureInfo.InvariantCulture), a.MessageId)), cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // Another evaluation recorded this cohort's change first (the sequence is unique): it is not ours to repeat.
            db.ChangeTracker.Clear();
            logger.LogInformation(ex, "A concurrent evaluation changed cohort {CohortId}'s sentiment alert first.", cohortId);
            return null;
        }
    }

    private static Notification Message(CohortRecord cohort, string kind, int negative, int total, double share, SentimentAlertOptions settings)
    {
        var percent = Percent(share);
        var counts = $"{negative} of {total} pieces of feedback in the last {settings.WindowDays} days";
        return kind == SentimentAlertRecord.Raised
            ? new Notification(NotificationChannels.Webhook, "", $"Negative feedback in {cohort.Slug} is at {percent}",
                $"Cohort {cohort.Slug} ({cohort.Title}): {counts} are negative, at or above the alert level of {Percent(settings.RaiseAt)}. " +
                $"See `pilotdeck feedback report --cohort {cohort.Slug}`. No further alert until it falls below {Percent(settings.RecoverBelow)}.",
                "cohorts/" + cohort.Slug)
            : new Notification(NotificationChannels.Webhook, "", $"Negative feedback in {cohort.Slug} is back to {percent}",
                $"Cohort {cohort.Slug} ({cohort.Title}): {counts} are negative, below {Percent(settings.RecoverBelow)}; the alert is cleared.",
                "cohorts/" + cohort.Slug);
    }

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
