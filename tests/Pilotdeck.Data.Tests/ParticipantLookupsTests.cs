using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Cohorts;
using static Pilotdeck.Data.Tests.TenantIsolationTests;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// An import's lookup of existing participants by natural key (<see cref="ParticipantLookups"/>):
/// it finds exactly the asked keys of one cohort of the scope's tenant, and on SQLite it is one
/// statement for any number of keys, answered by probing the unique index; on PostgreSQL each key's
/// probe reads the asked cohort's row alone, also in a cohort no statistics know yet.
/// </summary>
public class ParticipantLookupsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ByNaturalKeys_FindsTheAskedKeysOfTheCohort_AndNothingOfAnotherCohortOrTenant(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await AddCohortAsync(database, Beta, "cohort-b", ["ana@example.com", "bo@example.com"]);
        await AddCohortAsync(database, Alpha, "cohort-a2", ["ana@example.com"]);
        await AddCohortAsync(database, Alpha, "cohort-a", ["ana@example.com", "bo@example.com", "cy@example.com"]);

        await using var scope = database.TenantScope(Alpha);
        var found = await scope.Db().ByNaturalKeys("cohort-a", ["ana@example.com", "cy@example.com", "nobody@example.com"])
            .Select(p => new { p.CohortId, p.NaturalKey, p.TenantId }).OrderBy(p => p.NaturalKey).ToListAsync();

        Assert.Equal(
            [new { CohortId = "cohort-a", NaturalKey = "ana@example.com", TenantId = Alpha }, new { CohortId = "cohort-a", NaturalKey = "cy@example.com", TenantId = Alpha }],
            found);
    }

    [Fact]
    public async Task ByNaturalKeys_OnSqlite_IsOneStatementForAnyNumberOfKeys_ThatProbesTheUniqueIndex()
    {
        await using var database = await SeedAsync(DatabaseProvider.Sqlite);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();

        var few = db.ByNaturalKeys("cohort-a", ["a@example.com"]).CreateDbCommand();
        using var many = db.ByNaturalKeys("cohort-a", Enumerable.Range(0, 1000).Select(i => $"p{i}@example.com").ToList()).CreateDbCommand();
        Assert.Equal(few.CommandText, many.CommandText);
        Assert.Equal(few.Parameters.Count, many.Parameters.Count);

        await db.Database.OpenConnectionAsync();
        await using var explain = few;
        explain.CommandText = "EXPLAIN QUERY PLAN " + few.CommandText;
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.StartsWith("SEARCH p USING INDEX IX_participants_tenant_id_natural_key_cohort_id (tenant_id=? AND natural_key=?", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN p", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ByNaturalKeys_OnPostgres_ReadsOnlyTheCohortsRowPerKey_AlsoInACohortItsTransactionIsFilling()
    {
        await using var database = await SeedAsync(DatabaseProvider.Postgres);
        var emails = Enumerable.Range(0, 300).Select(i => $"p{i}@example.com").ToArray();
        await AddCohortAsync(database, Alpha, "cohort-a", emails);
        await AddCohortAsync(database, Alpha, "cohort-a2", emails);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        await db.Database.ExecuteSqlRawAsync("ANALYZE participants");

        // As an import's commit: the new cohort's rows are visible to this transaction only, and the
        // statistics put the cohort at a row at most.
        await using var transaction = await db.Database.BeginTransactionAsync();
        AddParticipants(db, database.Time.GetUtcNow(), "cohort-new", emails);
        await db.SaveChangesAsync();
        await using var explain = db.ByNaturalKeys("cohort-new", emails[..100]).CreateDbCommand();
        explain.CommandText = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + explain.CommandText;
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0).Trim());
            }
        }

        var probe = Assert.Single(plan, line => line.Contains("on participants", StringComparison.Ordinal));
        Assert.Contains("Index Scan using \"IX_participants_tenant_id_natural_key_cohort_id\"", probe, StringComparison.Ordinal);
        Assert.Contains("rows=1 loops=100", probe, StringComparison.Ordinal);
        Assert.Contains(plan, line => line.StartsWith("Index Cond:", StringComparison.Ordinal) && line.Contains("cohort_id", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("Rows Removed by Filter", StringComparison.Ordinal));
    }

    private static async Task AddCohortAsync(TestDatabase database, string tenant, string cohortId, string[] emails)
    {
        await using var scope = database.TenantScope(tenant);
        var db = scope.Db();
        AddParticipants(db, database.Time.GetUtcNow(), cohortId, emails);
        await db.SaveChangesAsync();
    }

    private static void AddParticipants(PilotdeckDbContext db, DateTimeOffset now, string cohortId, string[] emails)
    {
        db.Cohorts.Add(new CohortRecord { Id = cohortId, Slug = cohortId, Title = cohortId, State = "running", CreatedAt = now, UpdatedAt = now });
        foreach (var email in emails)
        {
            db.Participants.Add(new ParticipantRecord
            {
                Id = Guid.NewGuid().ToString(), CohortId = cohortId, NaturalKey = email, Email = email, Status = "invited", CreatedAt = now, UpdatedAt = now,
            });
        }
    }
}
