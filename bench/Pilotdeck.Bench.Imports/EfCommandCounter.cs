using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pilotdeck.Bench.Imports;

/// <summary>
/// Counts the SQL commands EF Core executes in this process (its DiagnosticListener's
/// CommandExecuted event), so a phase's commands per row show whether it talks to the database
/// per batch or per row. Commands sent around EF (Hangfire's storage, the principal checks'
/// plain SQL) are not counted.
/// </summary>
internal sealed class EfCommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly string Executed = RelationalEventId.CommandExecuted.Name!;
    private readonly IDisposable _allListeners;
    private readonly List<IDisposable> _subscriptions = [];
    private long _count;

    public EfCommandCounter() => _allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public long Count => Interlocked.Read(ref _count);

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this, name => name == Executed));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == Executed)
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _allListeners.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
