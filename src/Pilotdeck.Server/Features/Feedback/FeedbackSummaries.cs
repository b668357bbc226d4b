using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Feedback;

namespace Pilotdeck.Server.Features.Feedback;

/// <summary>
/// A cohort's feedback summarised (docs/feedback.md). It reads the counts <see cref="FeedbackAggregates"/>
/// keeps per day, sentiment and rating and per blocker key, so its work grows with the number of days and
/// distinct blockers, not with the amount of feedback; only merged blocker groups look at the blockers
/// themselves, for the people behind them.
/// </summary>
public sealed class FeedbackSummaries(PilotdeckDbContext db, TimeProvider time)
{
    public static readonly IReadOnlyList<string> Sentiments = [Positive, Neutral, Negative];

    public const string Positive = "positive";
    public const string Neutral = "neutral";
    public const string Negative = "negative";

    /// <summary>Blocker groups reported, most reported first.</summary>
    public const int MaxBlockerGroups = 50;

    // Distinct blocker keys considered for grouping; the long tail beyond is reported once each at most.
    private const int MaxKeys = 1000;
    private const int MaxVariants = 10;

    /// <summary>The summary of the feedback of <paramref name="cohortId"/> (null: the whole tenant).</summary>
    public async Task<GetFeedbackSummaryResponse> SummarizeAsync(string? cohortId, string cohortSlug, CancellationToken cancellationToken)
    {
        var counts = await db.FeedbackCounts.AsNoTracking().Where(c => cohortId == null || c.CohortId == cohortId)
            .GroupBy(c => new { c.Day, c.Sentiment, c.Rating })
            .Select(g => new { g.Key.Day, g.Key.Sentiment, g.Key.Rating, Count = g.Sum(c => c.Total) })
            .ToListAsync(cancellationToken);
        var days = counts.GroupBy(c => (c.Day, c.Sentiment)).Select(g => new DayCount(g.Key.Day, g.Key.Sentiment, g.Sum(c => c.Count), g.Sum(c => c.Count * c.Rating))).ToList();
        var ratings = counts.GroupBy(c => c.Rating).Select(g => new { Rating = g.Key, Count = g.Sum(c => c.Count) }).ToList();

        var total = ratings.Sum(r => r.Count);
        var response = new GetFeedbackSummaryResponse
        {
            Cohort = cohortSlug,
            Total = total,
            AverageRating = total == 0 ? 0 : Math.Round(ratings.Sum(r => (double)r.Rating * r.Count) / total, 2),
            GenerateTime = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        response.RatingDistribution.AddRange(Enumerable.Range(1, 5).Select(r => new RatingCount { Rating = r, Count = ratings.SingleOrDefault(x => x.Rating == r)?.Count ?? 0 }));
        response.Daily.AddRange(Periods(days, d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        response.Weekly.AddRange(Periods(days, d => $"{ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)):00}"));
        response.Blockers.AddRange(await BlockersAsync(cohortId, cancellationToken));
        return response;
    }

    private static IEnumerable<SentimentPeriod> Periods(IEnumerable<DayCount> days, Func<DateOnly, string> periodOf) =>
        days.GroupBy(d => periodOf(d.Day)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            int Count(string sentiment) => g.Where(d => d.Sentiment == sentiment).Sum(d => d.Count);
            var total = g.Sum(d => d.Count);
            return new SentimentPeriod
            {
                Period = g.Key,
                Positive = Count(Positive),
                Neutral = Count(Neutral),
                Negative = Count(Negative),
                Total = total,
                AverageRating = Math.Round((double)g.Sum(d => d.RatingSum) / total, 2),
                NegativeShare = Math.Round((double)Count(Negative) / total, 4),
            };
        });

    /// <summary>
    /// The blocker groups of <paramref name="cohortId"/> (null: the whole tenant), most reported
    /// first, at most <see cref="MaxBlockerGroups"/>: each its keys, the leading (most reported) one
    /// first. The summary counts them; backlog promotion turns each into an item.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<BlockerKeyCount>>> BlockerGroupsAsync(string? cohortId, CancellationToken cancellationToken)
    {
        // Ordered in the database, as the wording is chosen there: ties between keys sort as they always have.
        var keys = await db.BlockerCounts.AsNoTracking().Where(k => cohortId == null || k.CohortId == cohortId).GroupBy(k => k.GroupKey)
            .Select(g => new { g.Key, Count = g.Sum(k => k.Reports), Participants = g.Sum(k => k.Participants), Wording = g.Min(k => k.Wording) })
            .OrderByDescending(k => k.Count).ThenBy(k => k.Key).Take(MaxKeys)
            .Select(k => new BlockerKeyCount(k.Key, k.Count, k.Participants, k.Wording!))
            .ToListAsync(cancellationToken);
        return [.. BlockerGrouping.Merge(keys, k => k.Key)
            .OrderByDescending(g => g.Sum(k => k.Count)).ThenBy(g => g[0].Key, StringComparer.Ordinal)
            .Take(MaxBlockerGroups)];
    }

    /// <summary>The blockers of <paramref name="cohortId"/> (null: the whole tenant).</summary>
    public IQueryable<FeedbackItemRecord> Blockers(string? cohortId) =>
        db.FeedbackItems.AsNoTracking().Where(i => i.Kind == FeedbackItemRecord.Blocker && (cohortId == null || i.CohortId == cohortId));

    private async Task<IEnumerable<BlockerGroup>> BlockersAsync(string? cohortId, CancellationToken cancellationToken)
    {
        var groups = await BlockerGroupsAsync(cohortId, cancellationToken);

        // A person who reported two wordings of one blocker counts once: only merged groups need a look at
        // the blockers. One count per group, over its own keys only: a few hundred index entries each,
        // where one query classifying every merged key's blockers by group cost PostgreSQL far more.
        var people = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var keys in groups.Where(g => g.Count > 1).Select(g => g.Select(k => k.Key).ToList()))
        {
            people[keys[0]] = await Blockers(cohortId).Where(i => keys.Contains(i.GroupKey)).Select(i => i.ParticipantId).Distinct().CountAsync(cancellationToken);
        }

        return groups.Select(g =>
        {
            var group = new BlockerGroup
            {
                Text = g[0].Sample,
                Count = g.Sum(k => k.Count),
                Participants = g.Count == 1 ? g[0].Participants : people[g[0].Key],
            };
            group.Variants.AddRange(g.Skip(1).Select(k => k.Sample).Take(MaxVariants));
            return group;
        });
    }

    private sealed record DayCount(DateOnly Day, string Sentiment, int Count, int RatingSum);
}

/// <summary>One blocker key: how often it was reported, by how many people, and a wording of it.</summary>
public sealed record BlockerKeyCount(string Key, int Count, int Participants, string Sample);
