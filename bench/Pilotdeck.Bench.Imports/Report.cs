using System.Globalization;
using System.Text;

namespace Pilotdeck.Bench.Imports;

/// <summary>A phase over every round: the round of median wall time, and each round's wall time in order.</summary>
internal sealed record PhaseRounds(Phase Median, IReadOnlyList<TimeSpan> Walls);

/// <summary>The goals of issue 12 and the lines and table the bench prints.</summary>
internal static class Report
{
    private const double MiB = 1024.0 * 1024.0;

    /// <summary>The goal (rows/s) of a phase, or null for a phase without one (the uploads).</summary>
    public static double? GoalOf(string phase) => phase switch
    {
        _ when phase.StartsWith("dry-run", StringComparison.Ordinal) => 100_000,
        "commit" => 20_000,
        _ when phase.StartsWith("re-commit", StringComparison.Ordinal) => 50_000,
        _ => null,
    };

    public static bool Met(Phase phase) => GoalOf(phase.Name) is not { } goal || phase.RowsPerSecond >= goal;

    /// <summary>
    /// Each phase (in the order first run) with the round of its median wall time; of an even
    /// number of rounds, the slower of the middle two, so the verdict never rounds in its own favour.
    /// </summary>
    public static List<PhaseRounds> Medians(IEnumerable<Phase> phases) =>
        [.. phases.GroupBy(p => p.Name).Select(g =>
        {
            var byWall = g.OrderBy(p => p.Elapsed).ToList();
            return new PhaseRounds(byWall[byWall.Count / 2], [.. g.OrderBy(p => p.Round).Select(p => p.Elapsed)]);
        })];

    public static string SummaryLine(PhaseRounds p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Median.Name}: {p.Median.Elapsed.TotalSeconds:F2} s, {p.Median.RowsPerSecond:N0} rows/s{Goal(p.Median)}; rounds {Walls(p)}");

    private static string Walls(PhaseRounds p) => string.Join(", ", p.Walls.Select(w => w.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture))) + " s";

    public static string Line(Phase p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Name}: {p.Elapsed.TotalSeconds:F2} s, {p.RowsPerSecond:N0} rows/s{Goal(p)}; process CPU {p.Cost.Cpu.TotalSeconds:F1} s, " +
        $"allocated {p.Cost.AllocatedBytes / MiB:N0} MiB ({(double)p.Cost.AllocatedBytes / p.Rows:N0} B/row), GCs {p.Cost.Gen0}/{p.Cost.Gen1}/{p.Cost.Gen2}, " +
        $"JIT {p.Cost.JitMethods:N0} methods in {p.Cost.JitTime.TotalSeconds:F1} s, " +
        $"EF commands {p.EfCommands:N0} ({(double)p.EfCommands / p.Rows:F3}/row), peak working set {p.PeakWorkingSet / MiB:N0} MiB, peak managed heap {p.PeakManagedHeap / MiB:N0} MiB");

    public static string TableHeader() => new StringBuilder()
        .AppendLine("| provider | phase | wall (median round) | rows/s | ÷ baseline parse | goal | wall per round | process CPU | allocated/row | EF commands/row | peak working set | peak managed heap |")
        .AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
        .ToString();

    public static string BaselineRow(string provider, double rowsPerSecond) => string.Create(CultureInfo.InvariantCulture,
        $"| {provider} | plain Sep parse of the file (baseline, best of 5) | | {rowsPerSecond:N0} | 1 | | | | | | | |");

    public static string Row(string provider, PhaseRounds rounds, double baseline)
    {
        var p = rounds.Median;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {provider} | {p.Name} | {p.Elapsed.TotalSeconds:F2} s | {p.RowsPerSecond:N0} | {p.RowsPerSecond / baseline:F4} | {GoalCell(p)} | {Walls(rounds)} | {p.Cost.Cpu.TotalSeconds:F1} s | " +
            $"{(double)p.Cost.AllocatedBytes / p.Rows:N0} B | {(double)p.EfCommands / p.Rows:F3} | {p.PeakWorkingSet / MiB:N0} MiB | {p.PeakManagedHeap / MiB:N0} MiB |");
    }

    private static string Goal(Phase p) => GoalOf(p.Name) is { } goal ? string.Create(CultureInfo.InvariantCulture, $" (goal >= {goal:N0}: {(Met(p) ? "met" : "NOT MET")})") : "";

    private static string GoalCell(Phase p) => GoalOf(p.Name) is { } goal
        ? string.Create(CultureInfo.InvariantCulture, $"≥ {goal:N0}: {(Met(p) ? "met" : "**not met**")}")
        : "";
}
