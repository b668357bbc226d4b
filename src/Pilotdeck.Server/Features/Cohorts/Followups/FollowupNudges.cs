using System.Globalization;
using System.Text;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Cohorts.Followups;

/// <summary>
/// The daily job that queues the nudges that are due (docs/followups.md, "The daily nudge job"). For
/// each recruiting or running cohort it takes the follow-up plan's due participants (invited or
/// scheduled, not replied, nudges left) and, per participant in one transaction: puts the rendered
/// template in the outbox, appends a nudge note (which moves their next due date and counts the
/// nudge), stamps the last contact, and adds a receipt. A participant on email with an address gets
/// the message by SMTP; anyone else is a message to the team's webhook saying who to nudge where,
/// with the copy to send. The outbox's dedupe key (participant and nudge number) makes a second run
/// on the same day queue nothing twice.
/// </summary>
public sealed class FollowupNudges(PilotdeckDbContext db, FollowupPlanner planner, NotificationOutbox outbox, ChangeReceipts receipts, TenantFanOut fanOut, TimeProvider time)
{
    public const string JobId = "followup-nudges";
    public const string Action = "followups.nudge";

    private static readonly string[] ChasedStatuses = [Lifecycles.Invited, Lifecycles.Scheduled];
    private static readonly string[] ActiveCohortStates = [Lifecycles.Recruiting, Lifecycles.Running];

    [JobDisplayName("Follow-up nudges, every tenant")]
    public Task<IReadOnlyList<string>> RunEverywhereAsync(CancellationToken cancellationToken) =>
        fanOut.EnqueueForEachTenantAsync<FollowupNudges>(n => n.RunAsync(CancellationToken.None), cancellationToken);

    [JobDisplayName("Follow-up nudges")]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var cohorts = await db.Cohorts.AsNoTracking().Where(c => ActiveCohortStates.Contains(c.State)).OrderBy(c => c.Slug).ToListAsync(cancellationToken);
        var templates = await FollowupTemplates.EffectiveAsync(db, cancellationToken);
        var jobReceipts = receipts.ForJob(JobId);
        var queued = 0;
        foreach (var cohort in cohorts)
        {
            foreach (var followup in (await planner.PlanAsync(cohort, ChasedStatuses, cancellationToken)).Where(f => f.Due && !f.Exhausted))
            {
                await jobReceipts.RecordAsync(Action, _ => ParticipantChanges.NameOf(followup.Participant.Id),
                    () => QueueAsync(cohort, followup, templates, jobReceipts.Actor, cancellationToken), content => content, cancellationToken);
                db.ChangeTracker.Clear();
                queued++;
            }
        }

        return $"{queued} nudge(s) queued in {cohorts.Count} recruiting or running cohort(s)";
    }

    /// <summary>Queues one nudge and notes it; returns the receipt's content (ids only, no personal data).</summary>
    private async Task<byte[]> QueueAsync(CohortRecord cohort, PlannedFollowup followup, IReadOnlyList<Contracts.Cohorts.V1.FollowupTemplate> templates, string actor, CancellationToken cancellationToken)
    {
        var participant = await db.Participants.SingleAsync(p => p.Id == followup.Participant.Id, cancellationToken);
        var number = followup.NudgesSent + 1;
        var template = FollowupTemplates.Choose(templates, FollowupTemplates.Nudge, participant.Channel, participant.Locale);
        var message = FollowupTemplates.Render(template, participant, cohort, followup.DaysSinceContact);
        var queued = await outbox.EnqueueAsync(ParticipantMessages.Build(participant, message,
            $"Nudge {participant.Alias} on {participant.Channel} ({cohort.Slug})", TeamBody(participant, cohort, number, message),
            $"nudge:{participant.Id}:{number}"), cancellationToken);
        ParticipantMessages.NoteContact(db, participant, ParticipantNoteRecord.NudgeKind,
            $"Nudge {number} queued by the daily job ({ParticipantMessages.Route(participant)}).", actor, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return Encoding.UTF8.GetBytes(string.Join('\n', participant.Id, number.ToString(CultureInfo.InvariantCulture), queued.Id, template.Channel, template.Locale));
    }

    private static string TeamBody(ParticipantRecord participant, CohortRecord cohort, int number, Contracts.Cohorts.V1.RenderedMessage message) =>
        $"Nudge {number} for {participant.Alias} (participant {participant.Id}, cohort {cohort.Slug}) is due on {participant.Channel}. " +
        $"Send them:\n\n{message.Subject}\n\n{message.Body}";
}
