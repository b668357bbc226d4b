using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using static Pilotdeck.Data.Tests.TenantIsolationTests;

namespace Pilotdeck.Data.Tests;

/// <summary>Bulk inserts (ADR 0021) keep the tenant rule of SaveChanges and store what SaveChanges would.</summary>
public class BulkInsertsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task InsertInBulk_ARowOfAnotherTenant_ThrowsAndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.InsertInBulkAsync([NewClient("mine", ""), NewClient("planted", Beta)], CancellationToken.None));
        }

        Assert.Equal((1, 1), (await CountClientsAsync(database, Alpha), await CountClientsAsync(database, Beta)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChangesInBulk_ANewRowOfAnotherTenant_ThrowsAndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            db.ApiClients.Add(NewClient("mine", ""));
            db.ApiClients.Add(NewClient("planted", Beta));
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesInBulkAsync(CancellationToken.None));
        }

        Assert.Equal((1, 1), (await CountClientsAsync(database, Alpha), await CountClientsAsync(database, Beta)));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChangesInBulk_StampsTheBoundTenant_WritesPrincipalsFirst_AndStoresTheValues(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        // Whole seconds: PostgreSQL keeps microseconds, the clock has ticks.
        var now = new DateTimeOffset(database.Time.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            // The membership is added before the user it refers to; its role goes through a value converter.
            db.Memberships.Add(new Membership { UserId = "user-c", Role = MemberRole.Analyst, CreatedAt = now });
            db.Users.Add(new User { Id = "user-c", Email = "c@example.com", NormalizedEmail = "C@EXAMPLE.COM", CreatedAt = now });
            db.ApiClients.Add(NewClient("bulk", ""));
            await db.SaveChangesInBulkAsync(CancellationToken.None);
            Assert.Empty(db.ChangeTracker.Entries());
        }

        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            var membership = await db.Memberships.SingleAsync(m => m.UserId == "user-c");
            Assert.Equal((Alpha, MemberRole.Analyst, now), (membership.TenantId, membership.Role, membership.CreatedAt));
            Assert.False((await db.Users.SingleAsync(u => u.Id == "user-c")).InstallationOperator);
            Assert.Equal(Alpha, (await db.ApiClients.SingleAsync(c => c.Name == "bulk")).TenantId);
        }

        Assert.Equal((2, 1), (await CountClientsAsync(database, Alpha), await CountClientsAsync(database, Beta)));
    }

    [Fact]
    public async Task BulkWriteCache_OnSqlite_EnlargesTheConnectionsCacheWhileHeld_ThenRestoresIt()
    {
        await using var database = await SeedAsync(DatabaseProvider.Sqlite);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        var before = await CacheSizeAsync(db);
        await using (await BulkWriteCache.EnlargeAsync(db.Database, CancellationToken.None))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.ApiClients.Add(NewClient("during", ""));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            // Still the same connection, and still enlarged, after a transaction on it.
            Assert.Equal(-BulkWriteCache.Kibibytes, await CacheSizeAsync(db));
        }

        Assert.NotEqual(-BulkWriteCache.Kibibytes, before);
        Assert.Equal(before, await CacheSizeAsync(db));
        Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);
    }

    [Fact]
    public async Task BulkWriteCache_OnPostgres_LeavesTheConnectionAlone()
    {
        await using var database = await SeedAsync(DatabaseProvider.Postgres);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        await using (await BulkWriteCache.EnlargeAsync(db.Database, CancellationToken.None))
        {
            Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);
        }
    }

    [Fact]
    public async Task KeyLookupPlanning_OnPostgres_AnalyzesATableThatChangedSinceItWasLastAnalyzed()
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
    public async Task KeyLookupPlanning_OnSqlite_DoesNothing()
    {
        await using var database = await SeedAsync(DatabaseProvider.Sqlite);
        await using var scope = database.TenantScope(Alpha);
        await scope.Db().RefreshStatisticsIfStaleAsync(typeof(ApiClientRecord), CancellationToken.None);
        Assert.Equal(System.Data.ConnectionState.Closed, scope.Db().Database.GetDbConnection().State);
    }

    [Fact]
    public async Task KeyLookupPlanning_OnPostgres_PricesProbesCheaplyInTheLookupTransactionOnly()
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
    public async Task KeyLookupPlanning_OnSqlite_BeginsNoTransaction()
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

    private static async Task<long> CacheSizeAsync(PilotdeckDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA cache_size";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
