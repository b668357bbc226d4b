using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Bench.Api;
using Pilotdeck.Bench.Feedback;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using static Pilotdeck.Bench.Common.Machine;

// Feedback benchmark (issue 13; results in docs/performance.md). Per provider, in one host:
// 1. the summary of a cohort seeded with --feedback pieces (default 100,000), one caller at a time,
//    over gRPC and GET /api/feedback/pilot/summary: p50 against the goal (<= 200 ms) and against
//    the anonymous system call's latency;
// 2. SubmitFeedback throughput under h2load over gRPC and over POST /api/feedback/pilot, each with
//    an API-client token, against the anonymous system call in the same run: ratios, no goal.
// Exit codes: 0 ok (goal met or not: it is reported), 1 a check failed, 2 h2load missing.
const double SummaryGoalMs = 200;
const string HostArg = "--host-arg=";
// One token serves the whole run: seeding and a slow submit phase on a busy machine outlast the default 10 minutes.
List<string> hostArgs = ["--Pilotdeck:Tokens:AccessTokenLifetime=02:00:00", .. args.Where(a => a.StartsWith(HostArg, StringComparison.Ordinal)).Select(a => a[HostArg.Length..])];
var options = args.Where(a => !a.StartsWith(HostArg, StringComparison.Ordinal)).ToDictionary(a => a.Split('=')[0], a => a.Contains('=') ? a[(a.IndexOf('=') + 1)..] : "true");
int Option(string name, int fallback) => int.Parse(options.GetValueOrDefault(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var providers = options.GetValueOrDefault("--providers", "sqlite,postgres").Split(',');
var feedbackCount = Option("--feedback", 100_000);
var summaryCalls = Option("--summary-calls", 25);
var requests = Option("--requests", 3_000);
var warmup = Option("--warmup", 1_000);
var rounds = Option("--rounds", 3);
var load = new H2LoadOptions(requests) { Connections = Option("--connections", 4), Streams = Option("--streams", 8), Executable = options.GetValueOrDefault("--h2load") };
// Each target's run names its own body file.
if (load.Settings(bodyFile: "") is not { } h2load)
{
    return 2;
}

var report = new StringBuilder();
var problems = new List<string>();
Console.WriteLine($"feedback bench: {feedbackCount:N0} seeded for the summary, {requests:N0} submits per h2load run (-c {load.Connections} -m {load.Streams}), {rounds} rounds; {Describe()}; load average {LoadAverage()}");
foreach (var provider in providers)
{
    var label = provider == "postgres" ? "PostgreSQL" : "SQLite";
    Console.WriteLine($"\n==== {label}");
    await using var server = await ServerUnderTest.StartAsync(provider, hostArgs, ["feedback.write", "feedback.read"]);

    var (summaryCohort, people) = await FeedbackSeed.CohortAsync(server.Services, ServerUnderTest.TenantId, "bench-summary", 2_000);
    var seeding = Stopwatch.StartNew();
    var blockers = await FeedbackSeed.FeedbackAsync(server.Services, ServerUnderTest.TenantId, summaryCohort, people, feedbackCount, seed: 42);
    Console.WriteLine($"seeded {feedbackCount:N0} pieces of feedback with {blockers:N0} blockers from {people.Length:N0} participants in {seeding.Elapsed.TotalSeconds:F1} s");
    var latencies = await new SummaryLatency(server.Address, server.AccessToken, "bench-summary", feedbackCount).MeasureAsync(summaryCalls, warmup: 3);
    var baselineMs = latencies[0].P50;
    report.AppendLine(CultureInfo.InvariantCulture, $"**{label}**, summary of one cohort with {feedbackCount:N0} pieces of feedback ({blockers:N0} blockers), {summaryCalls} calls one at a time after 3 warm-up calls:");
    report.AppendLine();
    report.AppendLine("| call | p50 | p90 | p50 / baseline p50 | goal p50 ≤ 200 ms |");
    report.AppendLine("|---|---:|---:|---:|---|");
    foreach (var l in latencies)
    {
        var goal = l == latencies[0] ? "" : l.P50 <= SummaryGoalMs ? "met" : "NOT met";
        Console.WriteLine($"  {l.Name,-36} p50 {l.P50,8:F1} ms  p90 {l.P90,8:F1} ms  ×{l.P50 / baselineMs,7:F1} {goal}");
        report.AppendLine(CultureInfo.InvariantCulture, $"| {l.Name} | {l.P50:F1} ms | {l.P90:F1} ms | {l.P50 / baselineMs:F1} | {goal} |");
    }

    report.AppendLine();
    var (_, submitters) = await FeedbackSeed.CohortAsync(server.Services, ServerUnderTest.TenantId, "bench-submit", 1);
    var targets = new[] { SubmitTarget.Baseline(), SubmitTarget.Grpc(submitters[0], server.AccessToken), SubmitTarget.Json(submitters[0], server.AccessToken) };
    var bodies = targets.ToDictionary(t => t, t =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-feedback-{Environment.ProcessId}-{Array.IndexOf(targets, t)}.bin");
        File.WriteAllBytes(path, t.Body);
        return path;
    });
    try
    {
        async Task<H2LoadResult> RunAsync(SubmitTarget target, int count)
        {
            var result = await H2Load.RunAsync(h2load with { BodyFile = bodies[target] }, target.Name, new Uri(server.Address, target.Path).ToString(), target.OkCalls, count, target.Headers, contentType: target.ContentType);
            if (!result.AllSucceeded)
            {
                problems.Add($"{label} {target.Name}: {result.Succeeded}/{result.Total} succeeded, {result.Status2xx} 2xx, {result.HandlerCalls} completed OK in the server");
                Console.Error.WriteLine("FAILED: " + problems[^1]);
            }

            return result;
        }

        // The call counter is process-wide: this provider's submits are what it gains from here.
        var okBefore = targets[1].OkCalls();
        Console.WriteLine($"  warm-up: {warmup:N0} requests each");
        foreach (var target in targets)
        {
            await RunAsync(target, warmup);
        }

        var runs = new List<H2LoadResult>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var target in round % 2 == 0 ? targets : targets.Reverse())
            {
                var r = await RunAsync(target, requests);
                runs.Add(r);
                Console.WriteLine($"  round {round + 1} {target.Name,-34} {r.RequestsPerSecond,9:N0} req/s  p50 {Ms(r.P50Micros)}  p99 {Ms(r.P99Micros)}  server {r.CpuMicrosPerRequest:F0} µs CPU, {r.AllocatedBytesPerRequest:N0} B/req");
            }
        }

        // Every submit that the server counted OK stored exactly one piece of feedback, and nothing else did.
        var submitted = targets[1].OkCalls() - okBefore; // the JSON route runs the same method, so this counts both
        await using (var scope = server.Services.CreateTenantScope(ServerUnderTest.TenantId))
        {
            var stored = await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Feedback.CountAsync(f => f.ParticipantId == submitters[0]);
            if (stored != submitted)
            {
                problems.Add($"{label}: {stored} pieces of feedback stored, {submitted} submits completed OK");
            }
        }

        var medians = targets.Select(t => Stats.MedianBy(runs.Where(r => r.Target == t.Name).ToList(), r => r.RequestsPerSecond)).ToList();
        report.AppendLine(CultureInfo.InvariantCulture, $"**{label}**, submit throughput: h2load `-n {requests} -c {Option("--connections", 4)} -m {Option("--streams", 8)}`, median of {rounds} rounds (order alternating), same host and run:");
        report.AppendLine();
        report.AppendLine("| call | req/s | p50 | p99 | server CPU/req | server alloc/req | req/s / baseline |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var m in medians)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {m.Target} | {m.RequestsPerSecond:N0} | {Ms(m.P50Micros)} | {Ms(m.P99Micros)} | {m.CpuMicrosPerRequest:F0} µs | {m.AllocatedBytesPerRequest:N0} B | {m.RequestsPerSecond / medians[0].RequestsPerSecond:F3} |");
            Console.WriteLine($"  median {m.Target,-34} {m.RequestsPerSecond,9:N0} req/s  ratio to the baseline {m.RequestsPerSecond / medians[0].RequestsPerSecond:F3}");
        }

        report.AppendLine();
    }
    finally
    {
        foreach (var path in bodies.Values)
        {
            File.Delete(path);
        }
    }
}

report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Describe()}; load average (1/5/15 min) at end: {LoadAverage()}.");
Console.WriteLine("\n== results\n");
Console.WriteLine(report);
if (options.GetValueOrDefault("--markdown") is { } markdown)
{
    await File.WriteAllTextAsync(markdown, report.ToString());
}

problems.ForEach(p => Console.Error.WriteLine("FAILED: " + p));
return problems.Count > 0 ? 1 : 0;
