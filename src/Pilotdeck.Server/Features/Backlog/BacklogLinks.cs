using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Backlog;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Backlog;

/// <summary>
/// An item's links to the participants and feedback that reported it. Every id must be of the
/// item's cohort (another tenant's is as unknown as a missing one); a linked piece of feedback links
/// its participant too.
/// </summary>
public static class BacklogLinks
{
    public sealed record Link(string Kind, string TargetId);

    /// <summary>
    /// The links <paramref name="participantIds"/> and <paramref name="feedbackIds"/> ask for, checked
    /// against the cohort; one violation per id that is not the cohort's, under <paramref name="prefix"/>.
    /// </summary>
    public static async Task<List<Link>> ResolveAsync(
        PilotdeckDbContext db, string cohortId, IReadOnlyList<string> participantIds, IReadOnlyList<string> feedbackIds, string prefix, List<FieldViolation> violations, CancellationToken cancellationToken)
    {
        var wantedParticipants = participantIds.Select(id => id.Trim()).ToList();
        var wantedFeedback = feedbackIds.Select(id => id.Trim()).ToList();
        var participants = await db.Participants.AsNoTracking().Where(p => p.CohortId == cohortId && wantedParticipants.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
        var feedback = await db.Feedback.AsNoTracking().Where(f => f.CohortId == cohortId && wantedFeedback.Contains(f.Id))
            .ToDictionaryAsync(f => f.Id, f => f.ParticipantId, cancellationToken);
        for (var i = 0; i < wantedParticipants.Count; i++)
        {
            if (!participants.Contains(wantedParticipants[i]))
            {
                violations.Add(new($"{prefix}participant_ids[{i}]", "is not a participant of the item's cohort"));
            }
        }

        for (var i = 0; i < wantedFeedback.Count; i++)
        {
            if (!feedback.ContainsKey(wantedFeedback[i]))
            {
                violations.Add(new($"{prefix}feedback_ids[{i}]", "is not feedback of the item's cohort"));
            }
        }

        return [.. wantedParticipants.Where(participants.Contains).Concat(wantedFeedback.Where(feedback.ContainsKey).Select(id => feedback[id])).Distinct()
                .Select(id => new Link(BacklogLinkRecord.Participant, id)),
            .. wantedFeedback.Where(feedback.ContainsKey).Distinct().Select(id => new Link(BacklogLinkRecord.Feedback, id))];
    }

    /// <summary>Adds the links the item does not have yet; the caller saves. Returns how many were added.</summary>
    public static async Task<int> AddAsync(PilotdeckDbContext db, string itemId, IEnumerable<Link> links, CancellationToken cancellationToken)
    {
        var existing = (await db.BacklogLinks.Where(l => l.ItemId == itemId).Select(l => new { l.Kind, l.TargetId }).ToListAsync(cancellationToken))
            .Select(l => new Link(l.Kind, l.TargetId)).ToHashSet();
        existing.UnionWith(db.BacklogLinks.Local.Where(l => l.ItemId == itemId).Select(l => new Link(l.Kind, l.TargetId)));
        var added = 0;
        foreach (var link in links.Distinct().Where(existing.Add))
        {
            db.BacklogLinks.Add(new BacklogLinkRecord { ItemId = itemId, Kind = link.Kind, TargetId = link.TargetId });
            added++;
        }

        return added;
    }

    /// <summary>Removes the item's links of <paramref name="kind"/>; the caller saves.</summary>
    public static async Task RemoveAsync(PilotdeckDbContext db, string itemId, string kind, CancellationToken cancellationToken) =>
        db.BacklogLinks.RemoveRange(await db.BacklogLinks.Where(l => l.ItemId == itemId && l.Kind == kind).ToListAsync(cancellationToken));
}
