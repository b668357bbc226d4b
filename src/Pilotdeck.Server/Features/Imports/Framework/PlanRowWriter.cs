using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Imports;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// Stores a dry-run's plan rows on connections of its own while the pass goes on with the next
/// batch: writing them was about half of a dry-run's time, spent while the pass's own connection
/// sat idle. A dry-run is not one transaction (each batch's rows are), so nothing the pass reads
/// depends on them. Each batch's rows and the planning progress they bring the import to are
/// written in one transaction here, never from the pass's connection (on SQLite the two would
/// queue for the one write lock). On PostgreSQL two writers take batches in turn, each on its own
/// connection: the server stores each connection's rows in a process of its own, and storing them
/// (indexes, foreign-key check) is the slowest part of a dry-run there. Progress is stored only
/// forwards, so a batch that finishes after a later one never takes the import back. At most two
/// batches wait, so memory stays bounded by the batch size; the first failed write fails the pass.
/// </summary>
internal sealed class PlanRowWriter : IAsyncDisposable
{
    private readonly Channel<(IReadOnlyList<ImportRowRecord> Rows, ImportProgress Progress)> _batches =
        Channel.CreateBounded<(IReadOnlyList<ImportRowRecord>, ImportProgress)>(new BoundedChannelOptions(2) { SingleWriter = true });
    private readonly CancellationTokenSource _stop;
    private readonly List<AsyncServiceScope> _scopes = [];
    private readonly string _importId;
    private readonly Task _writing;

    private PlanRowWriter(IServiceScopeFactory scopes, string tenantId, string importId, CancellationToken cancellationToken)
    {
        _importId = importId;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _scopes.Add(scopes.CreateTenantScope(tenantId));
        if (_scopes[0].ServiceProvider.GetRequiredService<PilotdeckDbContext>().Database.IsNpgsql())
        {
            _scopes.Add(scopes.CreateTenantScope(tenantId));
        }

        _writing = Task.WhenAll(_scopes.Select(scope => Task.Run(() => WriteAllAsync(scope, _stop.Token))));
    }

    /// <summary>Starts a writer for the plan of <paramref name="importId"/> in a scope of its own, bound to <paramref name="tenantId"/>.</summary>
    public static PlanRowWriter Start(IServiceScopeFactory scopes, string tenantId, string importId, CancellationToken cancellationToken) =>
        new(scopes, tenantId, importId, cancellationToken);

    /// <summary>Queues a batch's rows and the progress they complete; waits while two are queued, and throws what failed an earlier write.</summary>
    public async Task WriteAsync(IReadOnlyList<ImportRowRecord> rows, ImportProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            await _batches.Writer.WriteAsync((rows, progress), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await _writing;
            throw;
        }
    }

    /// <summary>Returns once every queued row is stored.</summary>
    public async Task CompleteAsync()
    {
        _batches.Writer.TryComplete();
        await _writing;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_writing.IsCompleted)
        {
            // The pass failed: stop writing before it records the failure.
            _batches.Writer.TryComplete();
            await _stop.CancelAsync();
            await Task.WhenAny(_writing);
            // The pass reports its own failure; what stopped the writer is of no further use.
            _ = _writing.Exception;
        }

        foreach (var scope in _scopes)
        {
            await scope.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task WriteAllAsync(AsyncServiceScope scope, CancellationToken cancellationToken)
    {
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            await using var cache = await BulkWriteCache.EnlargeAsync(db.Database, cancellationToken);
            await foreach (var (rows, progress) in _batches.Reader.ReadAllAsync(cancellationToken))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.InsertInBulkAsync(ImportRowQueries.ToRuns(rows), cancellationToken);
                await db.Imports.Where(i => i.Id == _importId && i.RowsDone <= progress.RowsDone).ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.RowsDone, progress.RowsDone)
                    .SetProperty(i => i.RowsTotal, progress.RowsTotal)
                    .SetProperty(i => i.RowsPerSecond, progress.RowsPerSecond), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Wakes a pass waiting for room in the queue; it then rethrows this.
            _batches.Writer.TryComplete(ex);
            throw;
        }
    }
}
