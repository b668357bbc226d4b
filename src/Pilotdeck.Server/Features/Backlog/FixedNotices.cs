using System.Text;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Backlog;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Cohorts.Followups;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Backlog;

/// <summary>
/// "The thing you reported is fixed" (docs/backlog.md, `pilotdeck followups --notify`): for each
/// shipped item of a cohort, every linked participant not told yet gets the tenant's "fixed"
/// template through the outbox, on the same route as the daily nudges
/// (<see cref="ParticipantMessages"/>), with a note and a receipt naming them by id. The outbox's
/// dedupe key <c>fixed:{item}:{participant}</c> is what "told" means, so a second run sends nothing
/// and a participant linked after the first run is told on the next.
/// </summary>
public sealed class FixedNotices(PilotdeckDbContext db, NotificationOutbox outbox, ChangeReceipts receipts, TimeProvider time)
{
    public const string Action = "backlog.fixed-notice";

    public sealed record Pending(BacklogItemRecord Item, string ParticipantId);

    public static string DedupeKey(string itemId, string participantId) => $"fixed:{itemId}:{participantId}";

    /// <summary>The participants of the cohort's shipped items (of <paramref name="release"/>, or all) not told yet, in shipping order.</summary>
    public async Task<IReadOnlyList<Pending>> PlanAsync(CohortRecord cohort, string release, CancellationToken cancellationToken)
    {
        var items = await db.BacklogItems.AsNoTracking()
            .Where(i => i.CohortId == cohort.Id && i.State == Lifecycles.Shipped && i.MergedInto == null && (release.Length == 0 || i.TargetRelease == release))
            .OrderBy(i => i.ShippedAt).ThenBy(i => i.Id).ToListAsync(cancellationToken);
        var itemIds = items.Select(i => i.Id).ToList();
        var links = (await db.BacklogLinks.AsNoTracking().Where(l => itemIds.Contains(l.ItemId) && l.Kind == BacklogLinkRecord.Participant)
            .OrderBy(l => l.Id).ToListAsync(cancellationToken)).ToLookup(l => l.ItemId);
        var candidates = items.SelectMany(i => links[i.Id].Select(l => new Pending(i, l.TargetId))).ToList();
        var keys = candidates.Select(c => DedupeKey(c.Item.Id, c.ParticipantId)).ToList();
        var told = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
        {
            told.UnionWith(await db.OutboxMessages.AsNoTracking().Where(m => chunk.Contains(m.DedupeKey)).Select(m => m.DedupeKey!).ToListAsync(cancellationToken));
        }

        return [.. candidates.Where(c => !told.Contains(DedupeKey(c.Item.Id, c.ParticipantId)))];
    }

    /// <summary>
    /// Renders (and unless <paramref name="dryRun"/>, queues, notes and receipts) one message per
    /// pending participant; the caller holds the transaction and saves.
    /// </summary>
    public async Task<NotifyFixedResponse> SendAsync(CohortRecord cohort, IReadOnlyList<Pending> pending, bool dryRun, CancellationToken cancellationToken)
    {
        var templates = await FollowupTemplates.EffectiveAsync(db, cancellationToken);
        var participantIds = pending.Select(p => p.ParticipantId).Distinct().ToList();
        var participants = await (dryRun ? db.Participants.AsNoTracking() : db.Participants).Where(p => participantIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var now = time.GetUtcNow();
        var response = new NotifyFixedResponse { DryRun = dryRun, Items = pending.Select(p => p.Item.Id).Distinct().Count() };
        // A participant removed since the link was made is skipped, not an error.
        foreach (var (item, participant) in pending.Where(p => participants.ContainsKey(p.ParticipantId)).Select(p => (p.Item, participants[p.ParticipantId])))
        {
            var template = FollowupTemplates.Choose(templates, FollowupTemplates.Fixed, participant.Channel, participant.Locale);
            var message = FollowupTemplates.Render(template, participant, cohort, 0, item.TargetRelease);
            var notification = ParticipantMessages.Build(participant, message,
                $"Tell {participant.Alias} on {participant.Channel}: fixed in {item.TargetRelease} ({cohort.Slug})",
                $"\"{item.Title}\", which {participant.Alias} (participant {participant.Id}, cohort {cohort.Slug}) reported, shipped in {item.TargetRelease}. " +
                $"Send them on {participant.Channel}:\n\n{message.Subject}\n\n{message.Body}",
                DedupeKey(item.Id, participant.Id));
            var notice = new FixedNotice { ItemId = item.Id, ParticipantId = participant.Id, Release = item.TargetRelease, Channel = notification.Channel, Subject = notification.Subject };
            response.Notices.Add(notice);
            if (dryRun)
            {
                continue;
            }

            var queued = await outbox.EnqueueAsync(notification, cancellationToken);
            notice.MessageId = queued.Id;
            ParticipantMessages.NoteContact(db, participant, Data.Cohorts.ParticipantNoteRecord.FixedKind,
                $"Told that backlog item {item.Id} is fixed in {item.TargetRelease} ({ParticipantMessages.Route(participant)}).", receipts.Actor, now);
            receipts.Add(Action, ParticipantChanges.NameOf(participant.Id), Encoding.UTF8.GetBytes(string.Join('\n', participant.Id, item.Id, item.TargetRelease, queued.Id)));
        }

        if (!dryRun)
        {
            foreach (var item in pending.Select(p => p.Item).DistinctBy(i => i.Id).Where(i => i.AnnouncedAt is null))
            {
                db.BacklogItems.Attach(item);
                item.AnnouncedAt = now;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return response;
    }
}
