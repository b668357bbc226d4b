using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Server.Tests.Platform.Jobs;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Tests.Platform.Receipts;

/// <summary>
/// A sequencer prepares its batch without the lock: a batch prepared before another sequencer
/// extended the log is not written, and the next one starts from the new head, so no receipt is
/// logged twice and no index is skipped.
/// </summary>
public sealed class ReceiptSequencerTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("pilotdeck-sequencer-").FullName;
    private Microsoft.AspNetCore.Builder.WebApplication? _host;

    private IServiceProvider Services => _host!.Services;

    // The host's own log service would sequence alongside the test: its first run is an hour away.
    public async Task InitializeAsync() => _host = await JobServerTests.StartHostAsync(_dataDirectory, "--Pilotdeck:Receipts:CheckpointDelay=01:00:00");

    [Fact]
    public async Task ABatchPreparedBeforeAnotherSequencerCommitted_IsNotWritten_AndTheNextStartsFromTheNewHead()
    {
        await AppendAsync("first");
        await using var slow = Services.CreateTenantScope("demo");
        var slowSequencer = slow.ServiceProvider.GetRequiredService<ReceiptSequencer>();
        var stale = await slowSequencer.PrepareAsync(null, CancellationToken.None);
        Assert.NotNull(stale);

        await using (var fast = Services.CreateTenantScope("demo"))
        {
            var committed = await fast.ServiceProvider.GetRequiredService<ReceiptSequencer>().SequenceAsync(CancellationToken.None);
            Assert.Equal(stale.Size, committed?.TreeSize);
        }

        Assert.Null(await slowSequencer.TryCommitAsync(stale, CancellationToken.None));

        await AppendAsync("second");
        var next = await slowSequencer.SequenceAsync(CancellationToken.None);
        Assert.Equal(stale.Size + 1, next?.TreeSize);

        await using var check = Services.CreateTenantScope("demo");
        var db = check.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var indices = await db.Receipts.AsNoTracking().OrderBy(r => r.LogIndex).Select(r => r.LogIndex).ToListAsync();
        Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long?)i), indices);
        Assert.Equal(indices.Count, next!.TreeSize);
        Assert.Equal(2, await db.LogCheckpoints.CountAsync(c => c.TreeSize >= stale.Size));
    }

    [Fact]
    public async Task ABatchPreparedAfterAnother_ContinuesItsTree_IsRefusedBeforeIt_AndLeavesALateReceiptToTheNextBatch()
    {
        await AppendAsync("a");
        await AppendAsync("b");
        await using var firstScope = Services.CreateTenantScope("demo");
        var firstSequencer = firstScope.ServiceProvider.GetRequiredService<ReceiptSequencer>();
        var first = await firstSequencer.PrepareAsync(null, CancellationToken.None);
        Assert.Equal(2, first?.ReceiptIds.Count);

        // Committed after the first batch was read, yet timed before its last receipt.
        await AppendAsync("late", first!.LastCreatedAt.AddSeconds(-1));
        await AppendAsync("c");
        await using var secondScope = Services.CreateTenantScope("demo");
        var secondSequencer = secondScope.ServiceProvider.GetRequiredService<ReceiptSequencer>();
        var second = await secondSequencer.PrepareAsync(first, CancellationToken.None);
        Assert.Equal((first.Size, 1), (second?.First, second?.ReceiptIds.Count));

        Assert.Null(await secondSequencer.TryCommitAsync(second!, CancellationToken.None));
        Assert.NotNull(await firstSequencer.TryCommitAsync(first, CancellationToken.None));
        Assert.Equal(3, (await secondSequencer.TryCommitAsync(second!, CancellationToken.None))?.TreeSize);
        var last = await secondSequencer.SequenceAsync(CancellationToken.None);
        Assert.Equal(4, last?.TreeSize);

        // The stored tree is the one a log built from scratch in index order has.
        await using var check = Services.CreateTenantScope("demo");
        var db = check.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var logged = await db.Receipts.AsNoTracking().OrderBy(r => r.LogIndex).ToListAsync();
        Assert.Equal([0L, 1, 2, 3], logged.Select(r => r.LogIndex));
        Assert.Equal(["subjects/a", "subjects/b", "subjects/c", "subjects/late"], logged.Select(r => r.Subject));
        var expected = new InMemoryHashStore();
        foreach (var receipt in logged)
        {
            await expected.AppendAsync(ReceiptText.Canonical(receipt));
        }

        Assert.Equal(await MerkleTree.RootAsync(4, expected), new LogHash(last!.RootHash));
        Assert.Equal(await MerkleTree.RootAsync(4, expected), await MerkleTree.RootAsync(4, new DatabaseHashReader(db)));
    }

    // A receipt of subject subjects/<name>, timed as given.
    private async Task AppendAsync(string name, DateTimeOffset? at = null)
    {
        await using var scope = Services.CreateTenantScope("demo");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        db.Receipts.Add(ReceiptRecord.Create("demo", "system:test", "test.append", "subjects/" + name, null, null,
            at ?? DateTimeOffset.UtcNow, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))));
        await db.SaveChangesAsync();
        // Distinct times, so the (time, id) order is the order of appending.
        await Task.Delay(5);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

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
