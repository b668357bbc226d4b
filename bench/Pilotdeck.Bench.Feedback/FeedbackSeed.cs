using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Feedback;

namespace Pilotdeck.Bench.Feedback;

/// <summary>
/// The data the benchmark runs against, written straight into the tenant's tables with the counts
/// the product keeps beside them (the seed is setup, not what is measured): cohorts, their
/// participants, and a cohort's worth of feedback spread over 90 days — ratings 1–5 with a matching
/// sentiment, one highlight, and 0–2 blockers drawn from a few hundred wordings (with plurals, word
/// orders and typos, so grouping has work).
/// Seeded, so every run summarises the same data.
/// </summary>
internal static class FeedbackSeed
{
    private const int Batch = 5_000;

    private static readonly string[] Things = ["csv export", "login", "import", "dashboard", "search", "report", "invite email", "dark mode", "sso", "webhook", "upload", "sync", "billing page", "api token", "audit log"];
    private static readonly string[] Problems = ["fails", "times out", "is slow", "crashes", "is confusing", "shows wrong numbers", "is missing", "breaks on mobile", "loses my filters", "needs a retry"];

    public static async Task<(string CohortId, string[] ParticipantIds)> CohortAsync(IServiceProvider services, string tenantId, string slug, int participants)
    {
        await using var scope = services.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var now = DateTimeOffset.UtcNow;
        var cohort = new CohortRecord { Id = Guid.CreateVersion7(now).ToString(), Slug = slug, Title = slug, State = "running", CreatedAt = now, UpdatedAt = now };
        db.Cohorts.Add(cohort);
        var ids = new string[participants];
        for (var i = 0; i < participants; i++)
        {
            ids[i] = Guid.CreateVersion7(now).ToString();
            db.Participants.Add(new ParticipantRecord
            {
                Id = ids[i], CohortId = cohort.Id, NaturalKey = $"alias:p{i}", Alias = $"p{i}", Status = "active", Channel = "email", CreatedAt = now, UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync();
        return (cohort.Id, ids);
    }

    /// <summary>
    /// Adds <paramref name="count"/> pieces of feedback to the cohort, batch by batch, each saved with the
    /// cohort's counts by the product's own <see cref="FeedbackAggregates"/> in one transaction, as a
    /// submit saves them; returns how many blockers they carry.
    /// </summary>
    public static async Task<int> FeedbackAsync(IServiceProvider services, string tenantId, string cohortId, IReadOnlyList<string> participants, int count, int seed)
    {
        var random = new Random(seed);
        var blockers = 0;
        var end = DateTimeOffset.UtcNow;
        await using var scope = services.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var aggregates = scope.ServiceProvider.GetRequiredService<FeedbackAggregates>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var feedback = new List<FeedbackRecord>(Batch);
        var items = new List<FeedbackItemRecord>(Batch * 3);
        for (var i = 0; i < count; i++)
        {
            var at = end - TimeSpan.FromDays(90.0 * (count - i) / count);
            var rating = random.Next(1, 6);
            var piece = new FeedbackRecord
            {
                Id = Guid.CreateVersion7(at).ToString(),
                ParticipantId = participants[random.Next(participants.Count)],
                CohortId = cohortId,
                Rating = rating,
                Sentiment = rating >= 4 ? FeedbackSummaries.Positive : rating == 3 ? FeedbackSummaries.Neutral : FeedbackSummaries.Negative,
                SubmittedBy = "client:bench",
                CreatedAt = at,
                CreatedOn = DateOnly.FromDateTime(at.UtcDateTime),
            };
            feedback.Add(piece);
            items.Add(Item(piece, FeedbackItemRecord.Highlight, "Setup took five minutes"));
            for (var b = random.Next(3); b > 0; b--, blockers++)
            {
                items.Add(Item(piece, FeedbackItemRecord.Blocker, Blocker(random)));
            }

            if ((i + 1) % Batch == 0 || i == count - 1)
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Feedback.AddRange(feedback);
                db.FeedbackItems.AddRange(items);
                await aggregates.SaveNewAsync(feedback, items, CancellationToken.None);
                await transaction.CommitAsync();
                db.ChangeTracker.Clear();
                feedback.Clear();
                items.Clear();
            }
        }

        return blockers;
    }

    /// <summary>"CSV export fails", and its variants: reordered, pluralised, with a typo.</summary>
    private static string Blocker(Random random)
    {
        var thing = Things[random.Next(Things.Length)];
        var problem = Problems[random.Next(Problems.Length)];
        return random.Next(10) switch
        {
            0 => $"The {problem} {thing}",
            1 => $"{thing} {problem}!!",
            2 => $"{thing[..^1]}{thing[^1]}{thing[^1]} {problem}",
            _ => $"{char.ToUpperInvariant(thing[0])}{thing[1..]} {problem}",
        };
    }

    private static FeedbackItemRecord Item(FeedbackRecord feedback, string kind, string text) => new()
    {
        FeedbackId = feedback.Id, CohortId = feedback.CohortId, ParticipantId = feedback.ParticipantId, Kind = kind, Text = text, GroupKey = BlockerGrouping.Key(text),
    };
}
