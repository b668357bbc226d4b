using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Identity;
using static Pilotdeck.Data.Tests.TenantIsolationTests;

namespace Pilotdeck.Data.Tests;

/// <summary>Key lookups on PostgreSQL get fresh statistics and cheap probes (KeyLookupPlanning, ADR 0021); other providers are left alone.</summary>
public class KeyLookupPlanningTests
{
    [Fact]
    public async Task OnPostgres_AnalyzesATableThatChangedSinceItWasLastAnalyzed()
    {
        await using var database = await SeedAsync(DatabaseProvider.Postgres);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        await db.RefreshStatisticsIfStaleAsync(typeof(ApiClientRecord), CancellationToken.None);
        Assert.True(await EstimatedRowsAsync(db) < 100);

        await db.InsertInBulkAsync([.. Enumerable.Range(0, 3000).Select(i => NewClient($"stats-{i}", ""))], CancellationToken.None);
        // The writing session reports its changes to pg_stat_user_tables when it next goes idle.
        await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\" FROM pg_stat_force_next_flush()").ToListAsync();
        for (var waited = 0; waited < 100 && await ChangedSinceAnalyzeAsync(db) < 3000; waited++)
        {
            await Task.Delay(100);
        }

        await db.RefreshStatisticsIfStaleAsync(typeof(ApiClientRecord), CancellationToken.None);

        // ANALYZE sets the planner's row estimate (pg_class.reltuples) as part of its transaction.
        Assert.InRange(await EstimatedRowsAsync(db), 3000, 3100);
    }

    [Fact]
    public async Task OnSqlite_DoesNothing()
    {
        await using var database = await SeedAsync(DatabaseProvider.Sqlite);
        await using var scope = database.TenantScope(Alpha);
        await scope.Db().RefreshStatisticsIfStaleAsync(typeof(ApiClientRecord), CancellationToken.None);
        Assert.Equal(System.Data.ConnectionState.Closed, scope.Db().Database.GetDbConnection().State);
    }

    [Fact]
    public async Task OnPostgres_PricesProbesCheaplyInTheLookupTransactionOnly()
    {
        await using var database = await SeedAsync(DatabaseProvider.Postgres);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        var before = await RandomPageCostAsync(db);
        await using (var lookups = await db.BeginLookupTransactionAsync(CancellationToken.None))
        {
            Assert.NotNull(lookups);
            Assert.Equal("1.1", await RandomPageCostAsync(db));
            await lookups.CommitAsync();
        }

        // SET LOCAL ended with the transaction: the pooled connection is as it was.
        Assert.Equal(before, await RandomPageCostAsync(db));
        Assert.NotEqual("1.1", before);
    }

    [Fact]
    public async Task OnSqlite_BeginsNoTransaction()
    {
        await using var database = await SeedAsync(DatabaseProvider.Sqlite);
        await using var scope = database.TenantScope(Alpha);
        Assert.Null(await scope.Db().BeginLookupTransactionAsync(CancellationToken.None));
    }

    private static async Task<string> RandomPageCostAsync(PilotdeckDbContext db) =>
        (await db.Database.SqlQueryRaw<string>("SELECT current_setting('random_page_cost') AS \"Value\"").ToListAsync()).Single();

    private static async Task<long> ChangedSinceAnalyzeAsync(PilotdeckDbContext db) =>
        (await db.Database.SqlQueryRaw<long>("SELECT n_mod_since_analyze AS \"Value\" FROM pg_stat_user_tables WHERE relid = 'api_clients'::regclass").ToListAsync()).Single();

    private static async Task<double> EstimatedRowsAsync(PilotdeckDbContext db) =>
        (await db.Database.SqlQueryRaw<double>("SELECT reltuples::float8 AS \"Value\" FROM pg_class WHERE oid = 'api_clients'::regclass").ToListAsync()).Single();
}
