using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Feedback;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// Migration SummaryAggregates counts the feedback stored before it, per provider: a database at the
/// migration before, feedback in two tenants, then the upgrade; each tenant's counts are its own.
/// </summary>
public class SummaryAggregatesMigrationTests
{
    private const string Alpha = TenantIsolationTests.Alpha;
    private const string Beta = TenantIsolationTests.Beta;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migration_FeedbackStoredBefore_IsCountedPerTenantAndCohort(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateBeforeMigrationAsync(provider, "SummaryAggregates");

        await database.AddTenantsAsync(Alpha, Beta);
        await StoreAsync(database, Alpha, ("p1", 2, "2025-11-10", "CSV export fails"), ("p2", 2, "2025-11-10", "Export of CSV fails!"), ("p1", 5, "2025-11-11", "CSV export fails"));
        await StoreAsync(database, Beta, ("p1", 1, "2025-11-10", "Export of CSV fails!"));

        await DatabaseMigrator.MigrateAsync(database.Services);

        var (alphaDays, alphaBlockers) = await CountsAsync(database, Alpha);
        var (betaDays, betaBlockers) = await CountsAsync(database, Beta);
        Assert.Equal(["2025-11-10 negative 2: 2", "2025-11-11 positive 5: 1"], alphaDays);
        Assert.Equal(["csv export fail: 3 by 2, CSV export fails"], alphaBlockers);
        Assert.Equal(["2025-11-10 negative 1: 1"], betaDays);
        Assert.Equal(["csv export fail: 1 by 1, Export of CSV fails!"], betaBlockers);
    }

    /// <summary>One cohort of <paramref name="tenantId"/> with the given pieces of feedback, each with one blocker and a highlight.</summary>
    private static async Task StoreAsync(TestDatabase database, string tenantId, params (string Alias, int Rating, string Day, string Blocker)[] feedback)
    {
        await using var scope = database.TenantScope(tenantId);
        var db = scope.Db();
        var now = database.Time.GetUtcNow();
        var cohortId = Guid.NewGuid().ToString();
        db.Cohorts.Add(new CohortRecord { Id = cohortId, Slug = "fall-2025", Title = "Fall", State = "running", CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync();
        var participants = new Dictionary<string, string>();
        foreach (var alias in feedback.Select(f => f.Alias).Distinct())
        {
            participants[alias] = await ParticipantInitialStatusMigrationTests.StoreParticipantAsync(db, tenantId, cohortId, alias, "active", now);
        }

        foreach (var (alias, rating, day, blocker) in feedback)
        {
            var piece = new FeedbackRecord
            {
                Id = Guid.NewGuid().ToString(), ParticipantId = participants[alias], CohortId = cohortId, Rating = rating, Sentiment = rating >= 4 ? "positive" : "negative",
                SubmittedBy = "user:test", CreatedAt = now, CreatedOn = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture),
            };
            db.Feedback.Add(piece);
            db.FeedbackItems.Add(new FeedbackItemRecord { FeedbackId = piece.Id, CohortId = cohortId, ParticipantId = piece.ParticipantId, Kind = FeedbackItemRecord.Highlight, Text = "Quick setup", GroupKey = "quick setup" });
            db.FeedbackItems.Add(new FeedbackItemRecord { FeedbackId = piece.Id, CohortId = cohortId, ParticipantId = piece.ParticipantId, Kind = FeedbackItemRecord.Blocker, Text = blocker, GroupKey = "csv export fail" });
        }

        await db.SaveChangesAsync();
    }

    private static async Task<(List<string> Days, List<string> Blockers)> CountsAsync(TestDatabase database, string tenantId)
    {
        await using var scope = database.TenantScope(tenantId);
        var db = scope.Db();
        var days = await db.FeedbackCounts.OrderBy(c => c.Day).ThenBy(c => c.Rating).ToListAsync();
        var blockers = await db.BlockerCounts.ToListAsync();
        return (
            [.. days.Select(c => $"{c.Day:yyyy-MM-dd} {c.Sentiment} {c.Rating}: {c.Total}")],
            [.. blockers.Select(k => $"{k.GroupKey}: {k.Reports} by {k.Participants}, {k.Wording}")]);
    }
}
