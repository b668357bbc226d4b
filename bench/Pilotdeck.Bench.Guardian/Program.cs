using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pilotdeck.Bench.Guardian;
using Pilotdeck.Guardian;
using Pilotdeck.Guardian.Artifacts;

// dbt Guardian `analyze` on a 10,000-model project. Goal (2-core CI box): end to end ≤ 3 s, peak
// memory ≤ 1.5 GB. Timings are printed, never asserted; the baseline is a plain JsonDocument
// parse of the same file in the same run.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var directory = Path.Combine(Path.GetTempPath(), "pilotdeck-bench-guardian");
Directory.CreateDirectory(directory);
var manifestPath = Path.Combine(directory, "manifest.json");

var generate = Stopwatch.StartNew();
SyntheticProject.Write(manifestPath);
var megabytes = new FileInfo(manifestPath).Length / (1024.0 * 1024.0);
Console.WriteLine($"synthetic manifest: {manifestPath}");
Console.WriteLine($"  {SyntheticProject.Models:N0} models, {SyntheticProject.Models * SyntheticProject.ColumnsPerModel:N0} columns, {SyntheticProject.Tests:N0} tests, {megabytes:F1} MB (written in {generate.Elapsed.TotalSeconds:F2} s)");

GC.Collect();
var startRss = Process.GetCurrentProcess().WorkingSet64;

// Wall time is what users feel; CPU time is printed too because a shared CI box inflates wall time.
var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var read = Stopwatch.StartNew();
DbtProject project;
await using (var stream = OpenManifest())
{
    project = await ManifestReader.ReadAsync(stream, null);
}
read.Stop();
var readCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

var rules = Stopwatch.StartNew();
GuardianAnalyzer.Analyze(project);
rules.Stop();

cpu = Process.GetCurrentProcess().TotalProcessorTime;
var endToEnd = Stopwatch.StartNew();
GuardianAnalysis analysis;
await using (var stream = OpenManifest())
{
    analysis = await GuardianAnalyzer.AnalyzeAsync(stream, null);
}
endToEnd.Stop();
var endToEndCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
var peakRss = Process.GetCurrentProcess().PeakWorkingSet64;

Console.WriteLine($"read manifest:       {read.Elapsed.TotalSeconds:F2} s wall, {readCpu.TotalSeconds:F2} s CPU  ({megabytes / read.Elapsed.TotalSeconds:F0} MB/s)  {project.Resources.Count:N0} resources, {project.Tests.Count:N0} tests");
Console.WriteLine($"coverage + gaps:     {rules.Elapsed.TotalSeconds:F2} s wall (on the already-read project)");
Console.WriteLine($"analyze end to end:  {endToEnd.Elapsed.TotalSeconds:F2} s wall, {endToEndCpu.TotalSeconds:F2} s CPU  ({megabytes / endToEnd.Elapsed.TotalSeconds:F0} MB/s)  columns {analysis.Coverage.Columns.Covered:N0}/{analysis.Coverage.Columns.Total:N0}, {analysis.Gaps.Count:N0} gaps");
Console.WriteLine($"peak working set:    {peakRss / (1024.0 * 1024.0):F0} MB (at start {startRss / (1024.0 * 1024.0):F0} MB)");

// Baseline: what loading the whole document costs, which a streaming reader must beat.
var baseline = Stopwatch.StartNew();
await using (var stream = OpenManifest())
{
    using var document = await JsonDocument.ParseAsync(stream);
    GC.KeepAlive(document.RootElement.GetProperty("nodes").GetPropertyCount());
}
baseline.Stop();
var baselineRss = Process.GetCurrentProcess().PeakWorkingSet64;
Console.WriteLine($"baseline JsonDocument.Parse: {baseline.Elapsed.TotalSeconds:F2} s ({megabytes / baseline.Elapsed.TotalSeconds:F0} MB/s), peak working set after it {baselineRss / (1024.0 * 1024.0):F0} MB");
Console.WriteLine($"ratio analyze / baseline parse: {endToEnd.Elapsed.TotalSeconds / baseline.Elapsed.TotalSeconds:F2}x time");
Console.WriteLine($"goals: analyze ≤ 3 s → {(endToEnd.Elapsed.TotalSeconds <= 3 ? "met" : "MISSED")}; peak ≤ 1536 MB → {(peakRss <= 1536L * 1024 * 1024 ? "met" : "MISSED")}");

FileStream OpenManifest() => new(manifestPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);

// The host's node budget (issue 14, item 5): a refused upload stops at the first node over the
// budget, so it must cost a fraction of a full read; and an aggressive collection afterwards must
// give the heap back. Both are ratios within this run, never absolute goals.
var fullAllocated = await AllocatedWhileReadingAsync(ReadLimits.None);
var budgetNodes = (SyntheticProject.Models + SyntheticProject.Tests) / 10;
var budgetAllocated = await AllocatedWhileReadingAsync(new ReadLimits(budgetNodes, int.MaxValue));
Console.WriteLine($"budget of {budgetNodes:N0} nodes (1/10 of the manifest): allocated {budgetAllocated / (1024.0 * 1024.0):F0} MB vs {fullAllocated / (1024.0 * 1024.0):F0} MB for a full read, ratio {budgetAllocated / (double)fullAllocated:F2}");

GC.KeepAlive(project);
project = null!;
analysis = null!;
var committedBefore = GC.GetGCMemoryInfo().TotalCommittedBytes;
System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
var committedAfter = GC.GetGCMemoryInfo().TotalCommittedBytes;
Console.WriteLine($"committed heap after the analyses: {committedBefore / (1024.0 * 1024.0):F0} MB, after an aggressive collection {committedAfter / (1024.0 * 1024.0):F0} MB (ratio {committedAfter / (double)committedBefore:F2})");

async Task<long> AllocatedWhileReadingAsync(ReadLimits limits)
{
    var before = GC.GetTotalAllocatedBytes(precise: true);
    await using var stream = OpenManifest();
    try
    {
        GC.KeepAlive(await ManifestReader.ReadAsync(stream, null, limits));
    }
    catch (ArtifactBudgetExceededException)
    {
        // Expected for the budgeted read.
    }

    return GC.GetTotalAllocatedBytes(precise: true) - before;
}
