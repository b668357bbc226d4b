using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Server.Tests.Platform.Jobs;

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
        var stale = await slowSequencer.PrepareAsync(CancellationToken.None);
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

    private async Task AppendAsync(string name)
    {
        await using var scope = Services.CreateTenantScope("demo");
        await scope.ServiceProvider.GetRequiredService<ChangeReceipts>().ForJob("probe")
            .RecordAsync("test.append", _ => "probes/" + name, () => Task.FromResult(name), n => System.Text.Encoding.UTF8.GetBytes(n), CancellationToken.None);
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
