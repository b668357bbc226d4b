namespace Pilotdeck.Bench.Common;

public static class Stats
{
    /// <summary>Nearest-rank percentile of an already sorted array.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The element whose key is the median (the lower middle one for an even count), so its other figures stay consistent.</summary>
    public static T MedianBy<T>(IReadOnlyList<T> items, Func<T, double> key) =>
        items.OrderBy(key).ElementAt((items.Count - 1) / 2);
}

/// <summary>
/// Server-process cost over one measured interval: CPU time, managed allocations, and the JIT's
/// share (methods compiled and time spent compiling: a phase that keeps compiling is not warm).
/// </summary>
public readonly record struct ProcessCost(TimeSpan Cpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, long JitMethods, TimeSpan JitTime)
{
    public static ProcessCost Now()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new ProcessCost(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
    }

    public static ProcessCost operator -(ProcessCost a, ProcessCost b) =>
        new(a.Cpu - b.Cpu, a.AllocatedBytes - b.AllocatedBytes, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.JitMethods - b.JitMethods, a.JitTime - b.JitTime);
}
