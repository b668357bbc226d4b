using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Feedback;

namespace Pilotdeck.Server.Features.Feedback;

/// <summary>
/// A cohort's feedback summarised (docs/feedback.md). The database does the counting — per day and
/// sentiment, per rating, per blocker key — so the work in memory is bounded by the number of days
/// and distinct blockers, not by the amount of feedback.
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
        var feedback = db.Feedback.AsNoTracking().Where(f => cohortId == null || f.CohortId == cohortId);
        var days = await feedback.GroupBy(f => new { f.CreatedOn, f.Sentiment })
            .Select(g => new DayCount(g.Key.CreatedOn, g.Key.Sentiment, g.Count(), g.Sum(f => f.Rating)))
            .ToListAsync(cancellationToken);
        var ratings = await feedback.GroupBy(f => f.Rating).Select(g => new { Rating = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);

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
        // Counted from the covering index (key, participant, id) without reading a row; only the
        // rows of the keys kept are read afterwards, for each key's wording: the alphabetically
        // first, so the same feedback always reads the same (ids made in one millisecond are not ordered).
        var counted = await Blockers(cohortId).GroupBy(i => i.GroupKey)
            .Select(g => new { g.Key, Count = g.Count(), Participants = g.Select(i => i.ParticipantId).Distinct().Count() })
            .OrderByDescending(k => k.Count).ThenBy(k => k.Key).Take(MaxKeys)
            .ToListAsync(cancellationToken);
        var keptKeys = counted.Select(k => k.Key).ToList();
        var wordings = await Blockers(cohortId).Where(i => keptKeys.Contains(i.GroupKey)).GroupBy(i => i.GroupKey)
            .Select(g => new { g.Key, Text = g.Min(i => i.Text) }).ToDictionaryAsync(w => w.Key, w => w.Text!, cancellationToken);
        var keys = counted.Select(k => new BlockerKeyCount(k.Key, k.Count, k.Participants, wordings[k.Key])).ToList();
        return [.. BlockerGrouping.Merge(keys, k => k.Key)
            .OrderByDescending(g => g.Sum(k => k.Count)).ThenBy(g => g[0].Key, StringComparer.Ordinal)
            .Take(MaxBlockerGroups)];
    }

    /// <summary>The blockers of <paramref name="cohortId"/> (null: the whole tenant).</summary>
    public IQueryable<FeedbackItemRecord> Blockers(string? cohortId) =>
        db.FeedbackItems.AsNoTracking().Where(i => i.Kind == FeedbackItemRecord.Blocker && (cohortId == null || i.CohortId == cohortId));

    private async Task<IEnumerable<BlockerGroup>> BlockersAsync(string? cohortId, CancellationToken cancellationToken)
    {
        var blockers = Blockers(cohortId);
        var groups = await BlockerGroupsAsync(cohortId, cancellationToken);

        // A person who reported two wordings of one blocker counts once: only merged groups need a look at the rows.
        var mergedKeys = groups.Where(g => g.Count > 1).SelectMany(g => g.Select(k => k.Key)).ToList();
        var people = mergedKeys.Count == 0 ? [] : await blockers.Where(i => mergedKeys.Contains(i.GroupKey))
            .Select(i => new { i.GroupKey, i.ParticipantId }).Distinct().ToListAsync(cancellationToken);
        return groups.Select(g =>
        {
            var group = new BlockerGroup
            {
                Text = g[0].Sample,
                Count = g.Sum(k => k.Count),
                Participants = g.Count == 1 ? g[0].Participants
                    : people.Where(p => g.Any(k => k.Key == p.GroupKey)).Select(p => p.ParticipantId).Distinct().Count(),
            };
            group.Variants.AddRange(g.Skip(1).Select(k => k.Sample).Take(MaxVariants));
            return group;
        });
    }

    private sealed record DayCount(DateOnly Day, string Sentiment, int Count, int RatingSum);
}

/// <summary>One blocker key: how often it was reported, by how many people, and a wording of it.</summary>
public sealed record BlockerKeyCount(string Key, int Count, int Participants, string Sample);
