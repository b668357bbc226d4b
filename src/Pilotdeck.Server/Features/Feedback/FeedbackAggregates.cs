using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Features.Feedback;

/// <summary>
/// Keeps each cohort's feedback counts (<see cref="FeedbackCountRecord"/>, <see cref="BlockerCountRecord"/>)
/// in step with its feedback, in the transaction of the change itself, so a summary reads a few hundred
/// rows and is right the moment a change commits (docs/adr/0022-feedback-summary-aggregates.md). Every
/// writer of a cohort's counts holds that cohort's lock until it commits; the counts themselves move by
/// deltas at the database, and a wording is compared by the database, so it sorts as MIN(text) would.
/// </summary>
public sealed class FeedbackAggregates(PilotdeckDbContext db, ITenantContext tenant)
{
    private IQueryable<FeedbackItemRecord> Blockers => db.FeedbackItems.Where(i => i.Kind == FeedbackItemRecord.Blocker);

    /// <summary>
    /// Saves new feedback and its items, which the caller has added to the context, with the counts they
    /// change; inside the caller's transaction.
    /// </summary>
    public async Task SaveNewAsync(IReadOnlyCollection<FeedbackRecord> feedback, IReadOnlyCollection<FeedbackItemRecord> items, CancellationToken cancellationToken)
    {
        await LockAsync(feedback.Select(f => f.CohortId), cancellationToken);
        var added = new List<object>();
        foreach (var group in feedback.GroupBy(f => (f.CohortId, f.CreatedOn, f.Sentiment, f.Rating)))
        {
            var (cohortId, day, sentiment, rating) = group.Key;
            var more = group.Count();
            var counted = await db.FeedbackCounts.Where(c => c.CohortId == cohortId && c.Day == day && c.Sentiment == sentiment && c.Rating == rating)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Total, c => c.Total + more), cancellationToken);
            if (counted == 0)
            {
                added.Add(db.FeedbackCounts.Add(new FeedbackCountRecord { CohortId = cohortId, Day = day, Sentiment = sentiment, Rating = rating, Total = more }).Entity);
            }
        }

        var blockers = items.Where(i => i.Kind == FeedbackItemRecord.Blocker).ToList();
        var laterWordings = new List<(string CohortId, string Key, string Text)>();
        var known = await ReportedBeforeAsync(blockers, cancellationToken);
        foreach (var group in blockers.GroupBy(i => (i.CohortId, i.GroupKey)))
        {
            var (cohortId, key) = group.Key;
            var reports = group.Count();
            var newcomers = group.Select(i => i.ParticipantId).Distinct().Count(p => !known.Contains((cohortId, key, p)));
            var wordings = group.Select(i => i.Text).Distinct().ToList();
            var wording = wordings[0];
            var counted = await Row(cohortId, key).ExecuteUpdateAsync(s => s
                .SetProperty(k => k.Reports, k => k.Reports + reports)
                .SetProperty(k => k.Participants, k => k.Participants + newcomers)
                .SetProperty(k => k.Wording, k => string.Compare(wording, k.Wording) < 0 ? wording : k.Wording), cancellationToken);
            if (counted == 0)
            {
                added.Add(db.BlockerCounts.Add(new BlockerCountRecord { CohortId = cohortId, GroupKey = key, Reports = reports, Participants = newcomers, Wording = wording }).Entity);
            }

            laterWordings.AddRange(wordings.Skip(1).Select(text => (cohortId, key, text)));
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (cohortId, key, text) in laterWordings)
        {
            await KeepFirstWordingAsync(cohortId, key, text, cancellationToken);
        }

        // Their wording may have moved in the database since: never write them back from here.
        added.ForEach(row => db.Entry(row).State = EntityState.Detached);
    }

    /// <summary>
    /// Deletes <paramref name="items"/> (retention, erasure) and takes their blockers out of the counts,
    /// inside the caller's transaction; returns how many items were deleted.
    /// </summary>
    public async Task<int> DeleteItemsAsync(IQueryable<FeedbackItemRecord> items, CancellationToken cancellationToken)
    {
        var leaving = items.Where(i => i.Kind == FeedbackItemRecord.Blocker);
        await LockAsync(await leaving.Select(i => i.CohortId).Distinct().ToListAsync(cancellationToken), cancellationToken);

        // Per participant and key: how many of their reports go, and how many they have in all. A
        // participant stops counting for a key when all of theirs go.
        var removed = await leaving.GroupBy(i => new { i.CohortId, i.GroupKey, i.ParticipantId })
            .Select(g => new { g.Key.CohortId, g.Key.GroupKey, g.Key.ParticipantId, Count = g.Count() }).ToListAsync(cancellationToken);
        var held = (await Blockers.Where(i => leaving.Any(l => l.CohortId == i.CohortId && l.GroupKey == i.GroupKey && l.ParticipantId == i.ParticipantId))
            .GroupBy(i => new { i.CohortId, i.GroupKey, i.ParticipantId })
            .Select(g => new { g.Key.CohortId, g.Key.GroupKey, g.Key.ParticipantId, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(h => (h.CohortId, h.GroupKey, h.ParticipantId), h => h.Count);
        // Keys whose shown wording leaves with these items: chosen again from what stays.
        var lostWordings = await leaving.Where(i => db.BlockerCounts.Any(k => k.CohortId == i.CohortId && k.GroupKey == i.GroupKey && k.Wording == i.Text))
            .Select(i => new { i.CohortId, i.GroupKey }).Distinct().ToListAsync(cancellationToken);

        var deleted = await items.ExecuteDeleteAsync(cancellationToken);
        foreach (var group in removed.GroupBy(r => (r.CohortId, r.GroupKey)))
        {
            var (cohortId, key) = group.Key;
            var reports = group.Sum(r => r.Count);
            var gone = group.Count(r => held[(r.CohortId, r.GroupKey, r.ParticipantId)] == r.Count);
            await Row(cohortId, key).ExecuteUpdateAsync(s => s
                .SetProperty(k => k.Reports, k => k.Reports - reports)
                .SetProperty(k => k.Participants, k => k.Participants - gone), cancellationToken);
        }

        var cohortIds = removed.Select(r => r.CohortId).Distinct().ToList();
        await db.BlockerCounts.Where(k => cohortIds.Contains(k.CohortId) && k.Reports <= 0).ExecuteDeleteAsync(cancellationToken);
        foreach (var lost in lostWordings)
        {
            await Row(lost.CohortId, lost.GroupKey).ExecuteUpdateAsync(s => s.SetProperty(k => k.Wording,
                k => Blockers.Where(i => i.CohortId == k.CohortId && i.GroupKey == k.GroupKey).Min(i => i.Text)), cancellationToken);
        }

        return deleted;
    }

    private IQueryable<BlockerCountRecord> Row(string cohortId, string key) => db.BlockerCounts.Where(k => k.CohortId == cohortId && k.GroupKey == key);

    /// <summary>Makes <paramref name="text"/> the key's wording if the database sorts it first.</summary>
    private Task<int> KeepFirstWordingAsync(string cohortId, string key, string text, CancellationToken cancellationToken) =>
        Row(cohortId, key).ExecuteUpdateAsync(s => s.SetProperty(k => k.Wording, k => string.Compare(text, k.Wording) < 0 ? text : k.Wording), cancellationToken);

    /// <summary>Which of the new blockers' (cohort, key, participant) were reported before: those participants are counted already.</summary>
    private async Task<HashSet<(string, string, string)>> ReportedBeforeAsync(IReadOnlyList<FeedbackItemRecord> blockers, CancellationToken cancellationToken)
    {
        if (blockers.Count == 0)
        {
            return [];
        }

        var cohortIds = blockers.Select(i => i.CohortId).Distinct().ToList();
        var keys = blockers.Select(i => i.GroupKey).Distinct().ToList();
        var participantIds = blockers.Select(i => i.ParticipantId).Distinct().ToList();
        // The new items are only added to the context, not saved: the query sees the earlier ones alone.
        var known = await Blockers.Where(i => cohortIds.Contains(i.CohortId) && keys.Contains(i.GroupKey) && participantIds.Contains(i.ParticipantId))
            .Select(i => new { i.CohortId, i.GroupKey, i.ParticipantId }).Distinct().ToListAsync(cancellationToken);
        return [.. known.Select(k => (k.CohortId, k.GroupKey, k.ParticipantId))];
    }

    /// <summary>
    /// Takes the counts lock of each cohort, in one order everywhere, so two writers never wait on each
    /// other crosswise. Only inside a transaction: the lock, and the counts, end with it.
    /// </summary>
    private async Task LockAsync(IEnumerable<string> cohortIds, CancellationToken cancellationToken)
    {
        foreach (var cohortId in cohortIds.Distinct().Order(StringComparer.Ordinal))
        {
            await db.Database.LockForTransactionAsync($"pilotdeck-feedback-counts:{tenant.TenantId}:{cohortId}", cancellationToken);
        }
    }
}
