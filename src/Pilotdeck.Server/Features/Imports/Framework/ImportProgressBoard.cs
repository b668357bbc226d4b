using System.Collections.Concurrent;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// Live progress of the imports this host is running. A commit's progress cannot be written to
/// the database while its transaction is open (the rows it shows would be uncommitted, and SQLite
/// would block), so it is kept here and read by GetImport and WatchImport on this host; planning
/// progress is also written to the import's row after every batch, for every host.
/// </summary>
public sealed class ImportProgressBoard
{
    private readonly ConcurrentDictionary<string, ImportProgress> _running = new(StringComparer.Ordinal);
    private TaskCompletionSource _nextFinish = NewSignal();

    public void Report(string importId, ImportProgress progress) => _running[importId] = progress;

    public void Finish(string importId)
    {
        _running.TryRemove(importId, out _);
        Interlocked.Exchange(ref _nextFinish, NewSignal()).TrySetResult();
    }

    /// <summary>
    /// Completes when any import on this host next finishes: a watcher takes it before reading the
    /// import and waits on it with its poll, so it sees the end at once instead of up to a poll later.
    /// </summary>
    public Task NextFinish => Volatile.Read(ref _nextFinish).Task;

    public ImportProgress? Find(string importId) => _running.GetValueOrDefault(importId);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <param name="State">The state the import is in while this runs (planning or committing).</param>
/// <param name="RowsTotal">0 while unknown.</param>
public sealed record ImportProgress(string State, long RowsDone, long RowsTotal, double RowsPerSecond);
