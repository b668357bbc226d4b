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
        Assert.Equal(provider == DatabaseProvider.Postgres, lookups.Batches);

        // The transaction a read ran in tells which reads went to the database together.
        var sql = provider == DatabaseProvider.Postgres ? "SELECT txid_current(), @p0" : "SELECT 0, @p0";
        var reads = Enumerable.Range(0, 200).Select(i => lookups.FirstRowAsync(sql, [$"caller-{i}"])).ToArray();
        var rows = await Task.WhenAll(reads);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal($"caller-{i}", rows[i]![1]);
        }

        if (lookups.Batches)
        {
            var roundTrips = rows.Select(row => row![0]).Distinct().Count();
            Assert.InRange(roundTrips, (reads.Length + RowLookups.MaxBatchSize - 1) / RowLookups.MaxBatchSize, reads.Length - 1);
        }
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
