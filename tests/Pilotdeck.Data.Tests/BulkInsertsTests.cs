using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Cohorts;
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
        // Restored on the connection the scope goes on using (it keeps one open: SqliteConnectionPerLease).
        Assert.Equal(System.Data.ConnectionState.Open, db.Database.GetDbConnection().State);
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

    /// <summary>
    /// A first import into an empty database, written as the commit writes it: each batch of new
    /// participants, then their status rows, whose foreign-key checks look the participants up.
    /// Planned while the table looked empty, those checks went through an index led by the tenant
    /// and read every participant of the tenant for each row (a 100,000-row import took 11 minutes).
    /// </summary>
    [Fact]
    public async Task InsertInBulk_OnPostgres_IntoAnEmptyTable_ForeignKeyChecksGoByKey()
    {
        const int batches = 8, perBatch = 500;
        await using var database = await SeedAsync(DatabaseProvider.Postgres);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();
        var now = database.Time.GetUtcNow();
        db.Cohorts.Add(new CohortRecord { Id = "cohort-a", Slug = "cohort-a", Title = "A", State = "running", CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync();

        await using var transaction = await db.Database.BeginTransactionAsync();
        for (var batch = 1; batch <= batches; batch++)
        {
            var participants = Enumerable.Range(0, perBatch).Select(i => new ParticipantRecord
            {
                Id = Guid.NewGuid().ToString(), CohortId = "cohort-a", NaturalKey = $"p{batch}-{i}@example.com", Status = "invited", CreatedAt = now, UpdatedAt = now,
            }).ToList();
            await db.InsertInBulkAsync([.. participants, .. participants.Select(p => new ParticipantStatusChangeRecord { ParticipantId = p.Id, FromStatus = "invited", ToStatus = "scheduled", Actor = "test", ChangedAt = now })], CancellationToken.None);
        }

        var scans = await IndexScansAsync(db, "participants");
        Assert.Equal(
            (batches * perBatch, 0L),
            (scans["PK_participants"] + scans["AK_participants_tenant_id_id"], scans.Where(i => i.Key.StartsWith("IX_", StringComparison.Ordinal)).Sum(i => i.Value)));
    }

    // Index scans of this transaction so far, by index.
    private static async Task<Dictionary<string, long>> IndexScansAsync(PilotdeckDbContext db, string table) =>
        await db.Database.SqlQuery<IndexScans>($"SELECT c.relname AS \"Index\", pg_stat_get_xact_numscans(c.oid) AS \"Scans\" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = {table}::regclass")
            .ToDictionaryAsync(i => i.Index, i => i.Scans);

    private sealed record IndexScans(string Index, long Scans);

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
