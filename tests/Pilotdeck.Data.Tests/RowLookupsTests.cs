using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Pilotdeck.Data.Tests;

public class RowLookupsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReadsQueuedTogether_ShareRoundTrips_AndEachGetsItsOwnRow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var lookups = database.Services.GetRequiredService<RowLookups>();
        Assert.Equal(provider == DatabaseProvider.Postgres, lookups.SendsStatementBatches);

        // The transaction a read ran in tells which reads went to the database together.
        var sql = provider == DatabaseProvider.Postgres ? "SELECT txid_current(), @p0" : "SELECT 0, @p0";
        var reads = Enumerable.Range(0, 200).Select(i => lookups.FirstRowAsync(sql, [$"caller-{i}"])).ToArray();
        var rows = await Task.WhenAll(reads);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal($"caller-{i}", rows[i]![1]);
        }

        if (lookups.SendsStatementBatches)
        {
            var roundTrips = rows.Select(row => row![0]).Distinct().Count();
            Assert.InRange(roundTrips, (reads.Length + RowLookups.MaxBatchSize - 1) / RowLookups.MaxBatchSize, reads.Length - 1);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SameQuestionsQueuedTogether_AreReadOnce_AndEachCallerGetsItsOwnRow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var lookups = database.Services.GetRequiredService<RowLookups>();

        // random() differs on every execution, so equal values mean one read answered both.
        var reads = Enumerable.Range(0, 200).Select(i => lookups.FirstRowAsync("SELECT random(), @p0", [$"client-{i % 4}"])).ToArray();
        var rows = await Task.WhenAll(reads);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal($"client-{i % 4}", rows[i]![1]);
        }

        var executions = rows.GroupBy(row => row![0]).ToList();
        Assert.InRange(executions.Count, 4, reads.Length / 2);
        Assert.All(executions, answered => Assert.Single(answered.Select(row => row![1]).Distinct()));
        Assert.Equal(rows.Length, rows.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EveryRead_SeesWhatWasCommittedBeforeItWasRequested(DatabaseProvider provider)
    {
        // Lanes keep connections (and on SQLite prepared statements) between batches; none may
        // read from an older snapshot, or a revoked client would keep its access.
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var lookups = database.Services.GetRequiredService<RowLookups>();
        await using var writer = await database.Services.GetRequiredService<DbDataSource>().OpenConnectionAsync();
        await ExecuteAsync(writer, "CREATE TABLE lookup_freshness (id INTEGER PRIMARY KEY, state TEXT NOT NULL)");
        await ExecuteAsync(writer, "INSERT INTO lookup_freshness (id, state) VALUES (1, 'state-0')");

        for (var i = 1; i <= 20; i++)
        {
            // Concurrent readers keep both lanes busy with batches of several reads.
            var before = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => lookups.FirstRowAsync("SELECT state FROM lookup_freshness WHERE id = @p0", [1])));
            Assert.All(before, row => Assert.Equal($"state-{i - 1}", row![0]));
            await ExecuteAsync(writer, $"UPDATE lookup_freshness SET state = 'state-{i}' WHERE id = 1");
        }

        var last = await lookups.FirstRowAsync("SELECT state FROM lookup_freshness WHERE id = @p0", [1]);
        Assert.Equal("state-20", last![0]);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task NoRow_IsNull(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var lookups = database.Services.GetRequiredService<RowLookups>();

        Assert.Null(await lookups.FirstRowAsync("SELECT 1 WHERE 1 = @p0", [2]));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AFailedRead_ThrowsTheDatabaseError_AndLaterReadsWork(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var lookups = database.Services.GetRequiredService<RowLookups>();

        await Assert.ThrowsAnyAsync<DbException>(() => lookups.FirstRowAsync("SELECT missing FROM no_such_table WHERE 1 = @p0", [1]));

        var row = await lookups.FirstRowAsync("SELECT @p0", ["still here"]);
        Assert.Equal("still here", row![0]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ACancelledCaller_StopsWaiting_AndLaterReadsWork(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        var lookups = database.Services.GetRequiredService<RowLookups>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lookups.FirstRowAsync("SELECT @p0", [1], new CancellationToken(canceled: true)));

        var row = await lookups.FirstRowAsync("SELECT @p0", ["still here"]);
        Assert.Equal("still here", row![0]);
    }

    [Fact]
    public async Task AfterDispose_ReadsAreRefused()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        var lookups = new RowLookups(database.Services.GetRequiredService<DbDataSource>());
        await lookups.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => lookups.FirstRowAsync("SELECT @p0", [1]));
    }
}
