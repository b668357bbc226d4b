using System.Diagnostics;

namespace Pilotdeck.Bench.Common;

/// <summary>
/// This process's peak memory over one interval, sampled on a timer: the working set (resident
/// memory, what the OS charges) and the managed heap (<see cref="GC.GetTotalMemory(bool)"/>
/// without a collection, so garbage not yet collected counts too). The process-lifetime peak
/// (<see cref="Process.PeakWorkingSet64"/>) cannot be reset between phases, hence the sampling;
/// a peak shorter than the interval can be missed.
/// </summary>
public sealed class PeakMemory : IDisposable
{
    private readonly Timer _timer;
    private long _workingSet;
    private long _managedHeap;

    private PeakMemory(TimeSpan interval)
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, interval, interval);
    }

    /// <summary>Starts sampling every <paramref name="interval"/> (default 20 ms).</summary>
    public static PeakMemory Start(TimeSpan? interval = null) => new(interval ?? TimeSpan.FromMilliseconds(20));

    /// <summary>Stops sampling and returns the peaks seen, in bytes (the current values included).</summary>
    public (long WorkingSet, long ManagedHeap) Stop()
    {
        _timer.Dispose();
        Sample();
        return (Interlocked.Read(ref _workingSet), Interlocked.Read(ref _managedHeap));
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        Max(ref _workingSet, Environment.WorkingSet);
        Max(ref _managedHeap, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static void Max(ref long peak, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }
}
