using System.Diagnostics;
using System.Globalization;
using System.Text;
using Pilotdeck.Bench.Common;
using Pilotdeck.Bench.Imports;
using Pilotdeck.Client;
using Pilotdeck.Data;
using Pilotdeck.TestSupport;

// Roster import throughput (issue 12's benchmark; results in docs/performance.md). Per provider,
// in one run: a plain Sep parse of a generated roster file as the baseline, then the real host
// imports the file through its gRPC API as `pilotdeck cohort import` does — upload, dry-run,
// commit — and again (every row unchanged), that in --rounds rounds. Goals, judged on each phase's
// median round: dry-run >= 100,000 rows/s, commit >= 20,000 rows/s, re-commit (all unchanged)
// >= 50,000 rows/s. Exit 1 when a check or a goal fails.
var options = args.ToDictionary(a => a.Split('=')[0], a => a.Contains('=') ? a[(a.IndexOf('=') + 1)..] : "true");
var rows = int.Parse(options.GetValueOrDefault("--rows", "100000"), CultureInfo.InvariantCulture);
// One phase's time moves by a quarter from run to run on a shared VM; a verdict on one sample is a coin toss near the goal.
var rounds = Math.Max(1, int.Parse(options.GetValueOrDefault("--rounds", "3"), CultureInfo.InvariantCulture));
// Unmeasured rows imported first (twice) so the measured import runs compiled, tiered-up code.
var warmUpRows = int.Parse(options.GetValueOrDefault("--warm-up-rows", "20000"), CultureInfo.InvariantCulture);
var providers = options.GetValueOrDefault("--providers", "sqlite,postgres").Split(',');
var markdown = options.GetValueOrDefault("--markdown");
// Allocations by type per phase (sampled from the runtime's GC events; costs a little, so off for the figures).
using var allocations = options.ContainsKey("--alloc-profile") ? new AllocationSampler() : null;

Console.WriteLine($"roster import: {rows:N0} generated rows, {rounds} round(s), providers {string.Join(", ", providers)}");
Console.WriteLine(Machine.Describe() + ", load average " + Machine.LoadAverage());
var csvPath = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-roster-{Environment.ProcessId}.csv");
RosterCsv.Write(csvPath, rows);
Console.WriteLine($"file: {csvPath}, {new FileInfo(csvPath).Length / (1024.0 * 1024.0):F1} MiB");

var table = new StringBuilder(Report.TableHeader());
var failed = false;
try
{
    foreach (var provider in providers)
    {
        Console.WriteLine();
        Console.WriteLine($"== {provider} (load average {Machine.LoadAverage()})");
        try
        {
            var baseline = RosterCsv.BaselineRowsPerSecond(csvPath, rows);
            Console.WriteLine($"baseline: plain Sep parse, every cell read: {baseline:N0} rows/s (best of 5)");
            var phases = Report.Medians(await RunProviderAsync(provider == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite));
            Console.WriteLine(rounds > 1 ? $"-- {provider}, median of {rounds} rounds:" : $"-- {provider}:");
            phases.ForEach(p => Console.WriteLine(Report.SummaryLine(p)));
            table.AppendLine(Report.BaselineRow(provider, baseline));
            phases.ForEach(p => table.AppendLine(Report.Row(provider, p, baseline)));
            failed |= !phases.All(p => Report.Met(p.Median));
        }
        catch (CheckFailedException ex)
        {
            Console.WriteLine($"CHECK FAILED on {provider}: {ex.Message} (no speed is reported for it)");
            table.AppendLine($"| {provider} | check failed: {ex.Message} | | | | | | | | | | |");
            failed = true;
        }
    }
}
finally
{
    File.Delete(csvPath);
}

Console.WriteLine();
Console.WriteLine($"process peak working set over the whole run: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):N0} MiB; load average at the end {Machine.LoadAverage()}");
Console.WriteLine();
Console.Write(table);
if (markdown is not null)
{
    await File.WriteAllTextAsync(markdown, table.ToString());
}

return failed ? 1 : 0;

async Task<List<Phase>> RunProviderAsync(DatabaseProvider provider)
{
    // Jobs are picked up within 0.2 s (as in the tests) instead of the product's 1 s queue poll, so the
    // dry-run and commit times are the import's, not the queue's. Every import runs as a job, as a
    // 100,000-row file does anyway under the default thresholds (2 MiB, 20,000 rows), so a smaller
    // --rows takes the same path.
    await using var host = await PilotdeckTestHost.StartAsync(
        ["Pilotdeck:Jobs:PollInterval=00:00:00.200", "Pilotdeck:Jobs:QueuePollInterval=00:00:00.200", "Pilotdeck:Imports:JobThresholdBytes=0", "Pilotdeck:Imports:JobThresholdRows=0"], provider: provider);
    using var client = PilotdeckClient.Create(new PilotdeckClientOptions
    {
        ServerUrl = host.Address,
        Credentials = PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword),
        // WatchImport follows a whole dry-run or commit; the 30 s default would cut a slow one off.
        DefaultDeadline = TimeSpan.FromHours(1),
    });
    using var bench = new RosterImportBench(host, client, csvPath, rows, rounds, warmUpRows, allocations);
    await bench.RunAsync();
    return bench.Phases;
}
