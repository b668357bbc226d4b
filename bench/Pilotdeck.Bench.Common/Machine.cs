using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Pilotdeck.Bench.Common;

/// <summary>What a result table needs to say about where it was measured.</summary>
public static class Machine
{
    /// <summary>"1 / 5 / 15 min" load averages from /proc/loadavg, or "n/a" off Linux.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Cores, OS, runtime version and GC mode, for the header line of a run.</summary>
    public static string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, server GC {GCSettings.IsServerGC}");

    /// <summary>Microseconds shown as milliseconds with two decimals: "4.01 ms".</summary>
    public static string Ms(double micros) => (micros / 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";
}
