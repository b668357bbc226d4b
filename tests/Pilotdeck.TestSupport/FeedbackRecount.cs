using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Feedback;

namespace Pilotdeck.TestSupport;

/// <summary>
/// A cohort's feedback counts computed from scratch — its feedback and blockers grouped in the database,
/// as the migration SummaryAggregates fills them for feedback stored before it — to hold the counts
/// the product keeps up to date against, or to put them right after a test edits feedback rows itself.
/// </summary>
public static class FeedbackRecount
{
    /// <summary>The counts the product keeps for <paramref name="cohortId"/>, one line per row, sorted.</summary>
    public static async Task<IReadOnlyList<string>> StoredAsync(PilotdeckDbContext db, string cohortId) =>
        Lines(await db.FeedbackCounts.AsNoTracking().Where(c => c.CohortId == cohortId).ToListAsync(),
            await db.BlockerCounts.AsNoTracking().Where(k => k.CohortId == cohortId).ToListAsync());

    /// <summary>The counts <paramref name="cohortId"/>'s feedback makes, counted from scratch, one line per row, sorted.</summary>
    public static async Task<IReadOnlyList<string>> FromScratchAsync(PilotdeckDbContext db, string cohortId)
    {
        var (counts, blockers) = await CountAsync(db, cohortId);
        return Lines(counts, blockers);
    }

    /// <summary>Replaces the cohort's kept counts by a count from scratch.</summary>
    public static async Task RebuildAsync(PilotdeckDbContext db, string cohortId)
    {
        var (counts, blockers) = await CountAsync(db, cohortId);
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.FeedbackCounts.Where(c => c.CohortId == cohortId).ExecuteDeleteAsync();
        await db.BlockerCounts.Where(k => k.CohortId == cohortId).ExecuteDeleteAsync();
        db.FeedbackCounts.AddRange(counts);
        db.BlockerCounts.AddRange(blockers);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        db.ChangeTracker.Clear();
    }

    private static async Task<(List<FeedbackCountRecord>, List<BlockerCountRecord>)> CountAsync(PilotdeckDbContext db, string cohortId)
    {
        var counts = await db.Feedback.AsNoTracking().Where(f => f.CohortId == cohortId).GroupBy(f => new { f.CreatedOn, f.Sentiment, f.Rating })
            .Select(g => new { g.Key.CreatedOn, g.Key.Sentiment, g.Key.Rating, Total = g.Count() }).ToListAsync();
        var blockers = await db.FeedbackItems.AsNoTracking().Where(i => i.CohortId == cohortId && i.Kind == FeedbackItemRecord.Blocker).GroupBy(i => i.GroupKey)
            .Select(g => new { g.Key, Reports = g.Count(), Participants = g.Select(i => i.ParticipantId).Distinct().Count(), Wording = g.Min(i => i.Text) }).ToListAsync();
        return (
            [.. counts.Select(c => new FeedbackCountRecord { CohortId = cohortId, Day = c.CreatedOn, Sentiment = c.Sentiment, Rating = c.Rating, Total = c.Total })],
            [.. blockers.Select(k => new BlockerCountRecord { CohortId = cohortId, GroupKey = k.Key, Reports = k.Reports, Participants = k.Participants, Wording = k.Wording! })]);
    }

    private static List<string> Lines(IEnumerable<FeedbackCountRecord> counts, IEnumerable<BlockerCountRecord> blockers) =>
    [
        .. counts.Select(c => $"{c.Day:yyyy-MM-dd} {c.Sentiment} rating {c.Rating}: {c.Total}").Order(StringComparer.Ordinal),
        .. blockers.Select(k => $"blocker '{k.GroupKey}': {k.Reports} report(s), {k.Participants} participant(s), shown as '{k.Wording}'").Order(StringComparer.Ordinal),
    ];
}
