using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;

namespace Pilotdeck.Server.Features.Cohorts.Followups;

/// <summary>
/// Who in a cohort has not replied, how urgent each is and when the next nudge is due
/// (docs/followups.md). The list RPC, the portal's queue and the daily nudge job all read it here.
/// </summary>
public sealed class FollowupPlanner(PilotdeckDbContext db, TimeProvider time)
{
    /// <summary>Nudges per participant; after the last one a person should call, or drop them.</summary>
    public const int MaxNudges = 3;

    private static readonly int[] DefaultCadence = [3, 7, 14];

    // Chat channels are read within hours; email and the rest get more room between nudges.
    private static readonly Dictionary<string, int[]> Cadences = new(StringComparer.Ordinal)
    {
        ["wechat"] = [2, 4, 7],
        ["whatsapp"] = [2, 4, 7],
        ["line"] = [2, 4, 7],
        ["sms"] = [2, 5, 10],
        ["email"] = DefaultCadence,
    };

    public static IReadOnlyList<int> CadenceOf(string channel) => Cadences.GetValueOrDefault(channel, DefaultCadence);

    /// <summary>Every participant of the cohort in <paramref name="statuses"/> who has not replied, most urgent first.</summary>
    public async Task<IReadOnlyList<PlannedFollowup>> PlanAsync(CohortRecord cohort, IReadOnlyCollection<string> statuses, CancellationToken cancellationToken)
    {
        var waiting = db.Participants.AsNoTracking().Where(p => p.CohortId == cohort.Id && statuses.Contains(p.Status) && p.RepliedAt == null && p.ErasedAt == null);
        var participants = await waiting.ToListAsync(cancellationToken);
        var notes = await db.ParticipantNotes.AsNoTracking()
            .Where(n => waiting.Select(p => p.Id).Contains(n.ParticipantId))
            .GroupBy(n => n.ParticipantId)
            .Select(g => new { ParticipantId = g.Key, Latest = g.Max(n => n.CreatedAt), Nudges = g.Count(n => n.Kind == ParticipantNoteRecord.NudgeKind) })
            .ToDictionaryAsync(n => n.ParticipantId, cancellationToken);
        var now = time.GetUtcNow();
        return [.. participants
            .Select(p => notes.TryGetValue(p.Id, out var n) ? Plan(p, n.Latest, n.Nudges, now) : Plan(p, null, 0, now))
            .OrderByDescending(f => f.Score).ThenBy(f => f.Participant.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// One participant's follow-up. The last contact is the latest of the invitation (creation),
    /// the recorded last contact and the latest outreach note: a note a person wrote counts as
    /// contact, so it pushes the next nudge out instead of doubling up on it.
    /// </summary>
    public static PlannedFollowup Plan(ParticipantRecord participant, DateTimeOffset? latestNote, int nudges, DateTimeOffset now)
    {
        var lastContact = new[] { participant.CreatedAt, participant.LastContactedAt ?? DateTimeOffset.MinValue, latestNote ?? DateTimeOffset.MinValue }.Max();
        var days = Math.Max(0, (int)(now - lastContact).TotalDays);
        var cadence = CadenceOf(participant.Channel);
        var exhausted = nudges >= Math.Min(MaxNudges, cadence.Count);
        DateTimeOffset? nextDue = exhausted ? null : lastContact.AddDays(cadence[nudges]);
        var due = nextDue is { } dueAt && dueAt <= now;
        var vip = ParticipantFields.ReadTags(participant.Tags).Contains("vip");

        var reasons = new List<string> { days == 1 ? "1 day since the last contact" : $"{days} days since the last contact" };
        var score = Math.Min(days, 30);
        if (due)
        {
            score += 5;
            reasons.Add("a nudge is due");
        }

        if (vip)
        {
            score += 10;
            reasons.Add("tagged vip");
        }

        if (participant.ConsentGiven is null)
        {
            score += 5;
            reasons.Add("consent not recorded");
        }

        if (nudges > 0)
        {
            score -= 3 * nudges;
            reasons.Add(nudges == 1 ? "1 nudge already sent" : $"{nudges} nudges already sent");
        }

        var priority = score >= 15 ? 1 : score >= 8 ? 2 : 3;
        return new PlannedFollowup(participant, priority, score, reasons, days, nudges, cadence, nextDue, due, exhausted);
    }
}

public sealed record PlannedFollowup(
    ParticipantRecord Participant, int Priority, int Score, IReadOnlyList<string> Reasons, int DaysSinceContact, int NudgesSent,
    IReadOnlyList<int> Cadence, DateTimeOffset? NextDue, bool Due, bool Exhausted);
