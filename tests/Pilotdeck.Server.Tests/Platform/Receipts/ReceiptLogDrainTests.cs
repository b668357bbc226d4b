using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Tests.Platform.Jobs;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Tests.Platform.Receipts;

/// <summary>
/// The log service drains a backlog as a pipeline (each batch prepared while the one before commits):
/// with batches of three, every checkpoint it signs must be the root of the log a single writer would
/// have built from the same receipts in index order.
/// </summary>
public sealed class ReceiptLogDrainTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("pilotdeck-drain-").FullName;
    private Microsoft.AspNetCore.Builder.WebApplication? _host;

    public async Task InitializeAsync() => _host = await JobServerTests.StartHostAsync(_dataDirectory,
        "--Pilotdeck:Receipts:BatchSize=3", "--Pilotdeck:Receipts:CheckpointDelay=00:00:00.100");

    [Fact]
    public async Task ABacklogOfManyBatches_IsDrained_IntoCheckpointsThatAreEachTheRootOfTheLogSoFar()
    {
        await using (var scope = _host!.Services.CreateTenantScope("demo"))
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            var start = DateTimeOffset.UtcNow;
            db.Receipts.AddRange(Enumerable.Range(0, 20).Select(n => ReceiptRecord.Create("demo", "system:test", "test.drain", $"drains/{n}", null, null,
                start.AddMilliseconds(n), SHA256.HashData(BitConverter.GetBytes(n)))));
            await db.SaveChangesAsync();
        }

        await using var check = _host.Services.CreateTenantScope("demo");
        var reader = check.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var total = await reader.Receipts.CountAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await reader.LogCheckpoints.MaxAsync(c => (long?)c.TreeSize) ?? 0) < total)
        {
            Assert.True(DateTime.UtcNow < deadline, "the backlog was not drained within 30 s");
            await Task.Delay(50);
        }

        var logged = await reader.Receipts.AsNoTracking().OrderBy(r => r.LogIndex).ToListAsync();
        Assert.Equal(Enumerable.Range(0, total).Select(i => (long?)i), logged.Select(r => r.LogIndex));
        var expected = new InMemoryHashStore();
        var rootsBySize = new Dictionary<long, LogHash>();
        foreach (var receipt in logged)
        {
            await expected.AppendAsync(ReceiptText.Canonical(receipt));
            rootsBySize[expected.TreeSize] = await MerkleTree.RootAsync(expected.TreeSize, expected);
        }

        var checkpoints = await reader.LogCheckpoints.AsNoTracking().OrderBy(c => c.TreeSize).ToListAsync();
        // Twenty new receipts in batches of three: several pipelined batches, each signed on its own.
        Assert.True(checkpoints.Count >= 7, $"expected at least 7 checkpoints, got {checkpoints.Count}");
        Assert.All(checkpoints, c => Assert.Equal(rootsBySize[c.TreeSize], new LogHash(c.RootHash)));
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
