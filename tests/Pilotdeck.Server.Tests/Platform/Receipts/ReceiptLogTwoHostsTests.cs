using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Server.Tests.Platform.Jobs;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Server.Tests.Platform.Receipts;

/// <summary>
/// Two hosts on one PostgreSQL database append receipts to one tenant's log at the same time, each
/// running its own sequencer: the log gets every receipt exactly once, with no gap, and every pair
/// of its signed checkpoints is consistent — the log never forked.
/// </summary>
public sealed class ReceiptLogTwoHostsTests : IAsyncLifetime
{
    private const int WritersPerHost = 4;
    private const int ReceiptsPerWriter = 25;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("pilotdeck-log-").FullName;
    private Func<Task> _drop = () => Task.CompletedTask;
    private string _connectionString = "";

    public async Task InitializeAsync() => (_connectionString, _drop) = await ThrowawayPostgres.CreateDatabaseAsync("pd_log");

    // One data directory: the hosts share their data-protection keys, as a scaled-out installation must.
    private Task<WebApplication> StartHostAsync() => JobServerTests.StartHostAsync(_dataDirectory,
        "--Pilotdeck:Database:Provider=Postgres",
        $"--Pilotdeck:Database:ConnectionString={_connectionString}",
        "--Pilotdeck:Receipts:CheckpointDelay=00:00:00.050");

    private static Task AppendAsync(WebApplication host, string writer) => Task.Run(async () =>
    {
        for (var i = 0; i < ReceiptsPerWriter; i++)
        {
            await using var scope = host.Services.CreateTenantScope("demo");
            await scope.ServiceProvider.GetRequiredService<ChangeReceipts>().ForJob("probe")
                .RecordAsync("test.append", _ => $"probes/{writer}-{i}", () => Task.FromResult(i), n => BitConverter.GetBytes(n), CancellationToken.None);
        }
    });

    [Fact]
    public async Task TwoHosts_AppendingConcurrently_OneLogWithoutGapDuplicateOrFork()
    {
        await using var first = await StartHostAsync();
        await using var second = await StartHostAsync();

        await Task.WhenAll(new[] { first, second }.SelectMany((host, h) => Enumerable.Range(0, WritersPerHost).Select(w => AppendAsync(host, $"{h}.{w}"))));

        await using var scope = first.Services.CreateTenantScope("demo");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (await db.Receipts.AnyAsync(r => r.LogIndex == null))
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        var probes = await db.Receipts.AsNoTracking().Where(r => r.Action == "test.append").CountAsync();
        var indices = await db.Receipts.AsNoTracking().OrderBy(r => r.LogIndex).Select(r => r.LogIndex!.Value).ToListAsync();
        Assert.Equal(2 * WritersPerHost * ReceiptsPerWriter, probes);
        Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long)i), indices);

        var key = NoteVerifierKey.Parse(await db.LogKeys.Select(k => k.VerifierKey).SingleAsync());
        var checkpoints = (await db.LogCheckpoints.AsNoTracking().OrderBy(c => c.TreeSize).ToListAsync())
            .Select(c => Checkpoint.Open(c.SignedNote, key)).ToList();
        Assert.True(checkpoints.Count >= 2, $"only {checkpoints.Count} checkpoint(s)");
        Assert.Equal(indices.Count, checkpoints[^1].TreeSize);
        var reader = new DatabaseHashReader(db);
        foreach (var (older, newer) in checkpoints.SelectMany((a, i) => checkpoints.Skip(i + 1).Select(b => (a, b))))
        {
            var proof = await MerkleTree.ProveConsistencyAsync(older.TreeSize, newer.TreeSize, reader);
            Assert.True(MerkleProof.VerifyConsistency(older.TreeSize, older.RootHash, newer.TreeSize, newer.RootHash, proof),
                $"checkpoints {older.TreeSize} and {newer.TreeSize} are not consistent");
        }
    }

    public async Task DisposeAsync()
    {
        await _drop();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A stray temp directory is harmless.
        }
    }
}
