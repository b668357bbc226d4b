using System.Globalization;
using System.Text;
using Pilotdeck.Bench.Common;
using Pilotdeck.Bench.Receipts;
using Pilotdeck.Data;

// Issue 11's receipt benchmarks (results in docs/performance.md; usage in bench/receipts.sh). Per provider:
//   append:  W writers append N receipts while the log service integrates them into signed
//            checkpoints, against the same inserts with the log idle (AppendBench). Goals: >= 5,000
//            receipts/s and >= 0.7 of the baseline.
//   create-member: CreateMember with its receipt against the same RPC without it, alternating
//            rounds (CreateMemberBench). Goal: >= 0.8.
var options = args.ToDictionary(a => a.Split('=')[0], a => a.Contains('=') ? a[(a.IndexOf('=') + 1)..] : "true");
int Option(string name, int fallback) => int.Parse(options.GetValueOrDefault(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var count = Option("--receipts", 20000);
var writers = Option("--writers", 8);
// Receipts per transaction: 1 is one change per commit (bound by the disk's commit rate on SQLite);
// more shows what the log itself sustains when changes arrive in bulk (an import's rows).
var batch = Option("--batch", 1);
var mode = Enum.Parse<WriteMode>(options.GetValueOrDefault("--write", "each"), ignoreCase: true);
// Receipts appended unmeasured on each arm's host before the measured ones (0: none). The
// sequencer's code runs once per batch of 1,000 receipts (Pilotdeck:Receipts:BatchSize), so it is
// tiered up only after a hundred batches or so: after 50,000 receipts the log arm still compiled
// about 3,400 methods (2.4 s of JIT) while measured, after 200,000 about a hundred.
var warmUp = Option("--warm-up", Math.Max(count / 2, 200_000));
var calls = Option("--calls", 400);
var callers = Option("--callers", 8);
var rounds = Option("--rounds", 5);
var parts = options.GetValueOrDefault("--parts", "append,create-member").Split(',');
var providers = options.GetValueOrDefault("--providers", "sqlite,postgres").Split(',');
var markdown = options.GetValueOrDefault("--markdown");

Console.WriteLine(Machine.Describe());
Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
var table = new StringBuilder();
var failed = false;
if (parts.Contains("append"))
{
    Console.WriteLine($"append: {count} receipts after {warmUp} unmeasured, {writers} writers, {batch} receipt(s) per transaction, written {mode.ToString().ToLowerInvariant()}");
    table.AppendLine(CultureInfo.InvariantCulture, $"append, {count} receipts after a warm-up of {warmUp}, {writers} writers, {batch} per transaction, written {mode.ToString().ToLowerInvariant()}:")
        .AppendLine()
        .AppendLine("| provider | plain inserts/s | receipts into signed checkpoints/s | ratio | goals (>= 5,000/s, >= 0.7) |")
        .AppendLine("| --- | ---: | ---: | ---: | --- |");
    foreach (var provider in providers)
    {
        var database = provider == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var baseline = await AppendBench.RunAsync(database, count, writers, batch, mode, withLog: false, warmUp);
        var logged = await AppendBench.RunAsync(database, count, writers, batch, mode, withLog: true, warmUp);
        var ratio = logged / baseline;
        var met = logged >= 5000 && ratio >= 0.7;
        failed |= !met;
        table.AppendLine(CultureInfo.InvariantCulture, $"| {provider} | {baseline:F0} | {logged:F0} | {ratio:F2} | {(met ? "met" : "not met")} |");
        Console.WriteLine($"{provider}: plain inserts {baseline:F0}/s, receipts into the signed log {logged:F0}/s, ratio {ratio:F2} (load average {Machine.LoadAverage()})");
    }

    table.AppendLine();
}

if (parts.Contains("create-member"))
{
    Console.WriteLine($"create-member: {rounds} rounds of {calls} calls per arm, {callers} concurrent callers");
    table.AppendLine(CultureInfo.InvariantCulture, $"CreateMember, {rounds} rounds of {calls} calls per arm, {callers} callers, median round:")
        .AppendLine()
        .AppendLine("| provider | without receipt, calls/s | with receipt, calls/s | ratio | goal (>= 0.8) |")
        .AppendLine("| --- | ---: | ---: | ---: | --- |");
    foreach (var provider in providers)
    {
        var database = provider == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var result = await CreateMemberBench.RunAsync(database, calls, callers, rounds);
        var met = result.Ratio >= 0.8;
        failed |= !met;
        table.AppendLine(CultureInfo.InvariantCulture, $"| {provider} | {result.Without:F0} | {result.With:F0} | {result.Ratio:F2} | {(met ? "met" : "not met")} |");
        Console.WriteLine($"{provider}: CreateMember without receipt {result.Without:F0}/s, with {result.With:F0}/s, ratio {result.Ratio:F2} ({result.Receipts} receipts written, {result.Dropped} dropped; load average {Machine.LoadAverage()})");
    }
}

Console.WriteLine();
Console.Write(table);
if (markdown is not null)
{
    await File.WriteAllTextAsync(markdown, table.ToString());
}

return failed ? 1 : 0;
