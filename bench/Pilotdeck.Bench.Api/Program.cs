using System.Globalization;
using System.Text;
using Pilotdeck.Bench.Api;
using static Pilotdeck.Bench.Common.Machine;

// Authenticated-read benchmark. Usage and defaults: bench/api.sh and BenchOptions.cs.
// Exit codes: 0 ok (whether or not the 0.6 goal is met), 1 a check failed, 2 h2load missing.
const double Goal = 0.6;
var options = BenchOptions.Parse(args);
var bodyFile = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-api-{Environment.ProcessId}.bin");
if (options.Load.Settings(bodyFile) is not { } settings)
{
    return 2;
}

#if DEBUG
Console.Error.WriteLine("warning: Debug build; numbers are meaningless. Use bench/api.sh (Release).");
#endif

await File.WriteAllBytesAsync(bodyFile, BenchTarget.EmptyMessageFrame);
var command = $"{settings.Executable} {options.Load.Flags} -d <empty-frame.bin> -H 'content-type: application/grpc' -H 'te: trailers' [-H 'authorization: Bearer <token>'] --log-file=<log> http://127.0.0.1:<port><path>";
var report = new StringBuilder();
var problems = new List<string>();
Console.WriteLine($"load average at start: {LoadAverage()}");
Console.WriteLine($"host: {Describe()}");
Console.WriteLine($"h2load: {command}");
report.AppendLine(CultureInfo.InvariantCulture, $"h2load per run: `{options.Load.Flags}`, request body the 5-byte empty-message frame, median of {options.Rounds} rounds (order alternating); server CPU and allocations per request measured in the server process{(options.Providers.Contains("postgres") ? ", PostgreSQL CPU from /proc (postmaster + backends)" : "")}.");
report.AppendLine();

try
{
    foreach (var provider in options.Providers)
    {
        Console.WriteLine($"\n==== {provider}");
        await using var server = await ServerUnderTest.StartAsync(provider, options.HostArgs);
        Console.WriteLine($"host {server.Address}, API client {server.ClientId} of tenant '{ServerUnderTest.TenantId}', token {server.AccessToken.Length} chars");
        var postgresCpu = server.ConnectionString is null ? null : await PostgresCpu.TryCreateAsync(server.ConnectionString);

        Console.WriteLine("\n== checks");
        var before = await Checks.RunAsync(server, "before");
        if (!CallCountingInterceptor.Installed)
        {
            before.Add("the call-counting interceptor is not in the host's pipeline (hosting startup not loaded)");
        }

        if (before.Count > 0)
        {
            problems.AddRange(before);
            before.ForEach(p => Console.Error.WriteLine("FAILED: " + p));
            continue;
        }

        var targets = new[] { BenchTarget.Unauthenticated(), BenchTarget.Authenticated(server.AccessToken) };
        async Task<Run> RunOnce(BenchTarget target, int? requests = null)
        {
            var failedBefore = CallCountingInterceptor.TotalFailed;
            var dbBefore = postgresCpu?.Now() ?? TimeSpan.Zero;
            var result = await H2Load.RunAsync(settings, target.Name, new Uri(server.Address, target.Path).ToString(), target.OkCalls, requests, target.Headers);
            var dbCpu = (postgresCpu?.Now() ?? TimeSpan.Zero) - dbBefore;
            return new Run(result, postgresCpu is null ? double.NaN : dbCpu.TotalMicroseconds / result.Total, CallCountingInterceptor.TotalFailed - failedBefore);
        }

        Console.WriteLine("\n== warm-up (until two passes agree within 10%, at most 6)");
        foreach (var target in targets)
        {
            var previous = 0.0;
            for (var pass = 1; pass <= 6; pass++)
            {
                var warm = await RunOnce(target, options.WarmupRequests);
                Console.WriteLine($"  warm-up {pass} {target.Name,-24} {warm.Result.RequestsPerSecond,9:N0} req/s, server {warm.Result.CpuMicrosPerRequest:F1} µs CPU/req, {warm.Result.HandlerCalls} OK of {warm.Result.Total}");
                if (pass >= 2 && Math.Abs(warm.Result.RequestsPerSecond - previous) <= 0.1 * previous)
                {
                    break;
                }

                previous = warm.Result.RequestsPerSecond;
            }
        }

        Console.WriteLine("\n== measured rounds");
        var runs = new List<Run>();
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var target in round % 2 == 0 ? targets : targets.Reverse())
            {
                var run = await RunOnce(target);
                runs.Add(run);
                var r = run.Result;
                Console.WriteLine($"  round {round + 1} {target.Name,-24} {r.RequestsPerSecond,9:N0} req/s  p50 {Ms(r.P50Micros)}  p99 {Ms(r.P99Micros)}  " +
                    $"{r.Succeeded}/{r.Total} ok, {r.Status2xx} 2xx, {r.HandlerCalls} grpc OK, {run.FailedCalls} failed, server {r.CpuMicrosPerRequest:F1} µs CPU + {r.AllocatedBytesPerRequest:N0} B/req" +
                    (double.IsNaN(run.PostgresCpuMicrosPerRequest) ? "" : $", postgres {run.PostgresCpuMicrosPerRequest:F1} µs CPU/req"));
                if (!r.AllSucceeded || run.FailedCalls != 0)
                {
                    problems.Add($"{provider} round {round + 1} {target.Name}: not every request was a 2xx that the server completed with grpc-status 0");
                    Console.Error.WriteLine("FAILED: " + problems[^1]);
                }
            }
        }

        if (options.AllocationProfile)
        {
            Console.WriteLine("\n== allocations by type (GCAllocationTick samples, ~100 KB each; bytes/request estimated from the sample share)");
            using var sampler = new AllocationSampler();
            foreach (var target in targets)
            {
                sampler.Start();
                var run = await RunOnce(target);
                var samples = sampler.Stop();
                var totalSamples = samples.Sum(s => s.Samples);
                Console.WriteLine($"  {target.Name}: {run.Result.AllocatedBytesPerRequest:N0} B/req, {totalSamples} samples");
                foreach (var (type, count, _) in samples.Take(25))
                {
                    Console.WriteLine($"    {count * run.Result.AllocatedBytesPerRequest / totalSamples,8:N0} B/req  {100.0 * count / totalSamples,5:F1}%  {type}");
                }
            }
        }

        Console.WriteLine("\n== checks");
        var after = await Checks.RunAsync(server, "after");
        problems.AddRange(after);

        var steps = new List<Step>();
        if (options.Breakdown)
        {
            Console.WriteLine($"\n== breakdown: the authenticated path's pieces, alone, {options.BreakdownOperations:N0} ops each on {Breakdown.Concurrency} concurrent loops (server process CPU and allocations per op)");
            steps = await Breakdown.RunAsync(server, options.BreakdownOperations, postgresCpu);
        }

        var anonymous = Stats.MedianBy(runs.Where(r => r.Result.Target == targets[0].Name).ToList(), r => r.Result.RequestsPerSecond);
        var authenticated = Stats.MedianBy(runs.Where(r => r.Result.Target == targets[1].Name).ToList(), r => r.Result.RequestsPerSecond);
        var ratio = authenticated.Result.RequestsPerSecond / anonymous.Result.RequestsPerSecond;
        var paired = Enumerable.Range(0, options.Rounds)
            .Select(round => runs.Skip(2 * round).Take(2).ToList())
            .Select(pair => pair.Single(r => r.Result.Target == targets[1].Name).Result.RequestsPerSecond / pair.Single(r => r.Result.Target == targets[0].Name).Result.RequestsPerSecond)
            .Order()
            .ToArray();

        var label = provider == "postgres" ? "PostgreSQL" : "SQLite";
        report.AppendLine(CultureInfo.InvariantCulture, $"**{label}**");
        report.AppendLine();
        var withDb = postgresCpu is not null;
        report.AppendLine("| endpoint | req/s | p50 | p99 | server CPU/req | server alloc/req |" + (withDb ? " PostgreSQL CPU/req |" : ""));
        report.AppendLine("|---|---:|---:|---:|---:|---:|" + (withDb ? "---:|" : ""));
        foreach (var (run, name) in new[] { (anonymous, "`SystemService/GetServerInfo`, anonymous"), (authenticated, "`IdentityService/GetCallerIdentity`, API-client token") })
        {
            var r = run.Result;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {r.RequestsPerSecond:N0} | {Ms(r.P50Micros)} | {Ms(r.P99Micros)} | {r.CpuMicrosPerRequest:F1} µs | {r.AllocatedBytesPerRequest:N0} B |{(withDb ? $" {run.PostgresCpuMicrosPerRequest:F1} µs |" : "")}");
        }

        report.AppendLine();
        report.Append(CultureInfo.InvariantCulture, $"**ratio authenticated / unauthenticated: {ratio:F3}** (goal ≥ {Goal}: {(ratio >= Goal ? "met" : "NOT met")}); per-round ratios [{string.Join(", ", paired.Select(p => p.ToString("F3", CultureInfo.InvariantCulture)))}]; ");
        report.AppendLine(CultureInfo.InvariantCulture, $"extra server CPU per authenticated call {authenticated.Result.CpuMicrosPerRequest - anonymous.Result.CpuMicrosPerRequest:F1} µs, extra allocations {authenticated.Result.AllocatedBytesPerRequest - anonymous.Result.AllocatedBytesPerRequest:N0} B.");
        report.AppendLine();
        if (steps.Count > 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| piece of the authenticated path (alone, {Breakdown.Concurrency} concurrent loops; ↳ = part or variant of the row above) | server CPU/op | alloc/op |{(withDb ? " PostgreSQL CPU/op |" : "")}");
            report.AppendLine("|---|---:|---:|" + (withDb ? "---:|" : ""));
            foreach (var s in steps)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {(s.Name.StartsWith(' ') ? "↳ " : "")}{s.Name.Trim()} | {s.CpuMicros:F1} µs | {s.Bytes:N0} B |{(withDb ? $" {s.PostgresCpuMicros:F1} µs |" : "")}");
            }

            report.AppendLine();
        }

        Console.WriteLine($"\n== {label}: ratio authenticated / unauthenticated {ratio:F3} (goal ≥ {Goal}: {(ratio >= Goal ? "met" : "NOT met")})");
    }

    report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Describe()}; load average (1/5/15 min) at end: {LoadAverage()}.");
    Console.WriteLine("\n== results\n");
    Console.WriteLine(report);
    if (options.MarkdownFile is not null)
    {
        await File.WriteAllTextAsync(options.MarkdownFile, report.ToString());
    }
}
finally
{
    File.Delete(bodyFile);
}

problems.ForEach(p => Console.Error.WriteLine("FAILED: " + p));
return problems.Count > 0 ? 1 : 0;

/// <summary>One measured h2load run, with the database's CPU per request and the calls the server saw fail.</summary>
internal sealed record Run(H2LoadResult Result, double PostgresCpuMicrosPerRequest, long FailedCalls);
