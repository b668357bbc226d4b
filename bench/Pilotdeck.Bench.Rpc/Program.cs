using System.Globalization;
using System.Runtime;
using System.Text;
using Pilotdeck.Bench.Rpc;
using static Pilotdeck.Bench.Common.Machine;

// Pilotdeck gRPC runtime benchmark. Usage and defaults: bench/rpc.sh and BenchOptions.cs.
// Exit codes: 0 ok, 1 a check failed (wrong responses or failed requests), 2 h2load missing.
var options = BenchOptions.Parse(args);
if (options.ServeOnly)
{
    await using var served = BenchHost.Build();
    await served.StartAsync();
    var servedAt = $"http://127.0.0.1:{BenchHost.BoundPort(served)}";
    Console.WriteLine($"serving {servedAt}{BenchHost.UnaryPath} and {servedAt}{BenchHost.BarePath}; Ctrl+C stops");
    await served.WaitForShutdownAsync();
    return 0;
}

var h2load = H2Load.Find(options.H2LoadPath);
if (h2load is null)
{
    Console.Error.WriteLine("h2load not found. Install it with: sudo apt-get install -y nghttp2-client");
    return 2;
}

#if DEBUG
Console.Error.WriteLine("warning: Debug build; numbers are meaningless. Use bench/rpc.sh (Release).");
#endif

await using var app = BenchHost.Build();
await app.StartAsync();
var port = BenchHost.BoundPort(app);
var address = new Uri($"http://127.0.0.1:{port}/");
var bodyFile = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-echo-{Environment.ProcessId}.bin");
await File.WriteAllBytesAsync(bodyFile, Payloads.EchoRequestFrame);

try
{
    Console.WriteLine($"load average at start: {LoadAverage()}");
    Console.WriteLine($"host: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, server GC {GCSettings.IsServerGC}, listening {address}");
    Console.WriteLine($"request frame {Payloads.EchoRequestFrame.Length} B, response frame {Payloads.EchoResponseFrame.Length} B");

    Console.WriteLine("\n== checks");
    var problems = await Verify.RunAsync(address, bodyFile);
    if (problems.Count > 0)
    {
        problems.ForEach(p => Console.Error.WriteLine("FAILED: " + p));
        return 1;
    }

    var settings = new H2LoadSettings(h2load, options.Requests, options.Connections, options.Streams, options.Threads, bodyFile);
    var targets = new (string Name, string Path, Func<long> Calls)[]
    {
        ("runtime", BenchHost.UnaryPath, () => Interlocked.Read(ref BenchServiceImpl.EchoCalls)),
        ("bare Kestrel", BenchHost.BarePath, () => Interlocked.Read(ref BenchHost.BareCalls)),
    };
    var command = $"{h2load} -n {settings.Requests} -c {settings.Connections} -m {settings.Streams} -t {settings.Threads} -d <echo.bin> -H 'content-type: application/grpc' -H 'te: trailers' --log-file=<log> {address.ToString().TrimEnd('/')}<path>";
    Console.WriteLine($"\n== h2load: {command}");

    // Tiered JIT needs a while (longer on a busy machine) to promote the runtime's async path to
    // optimised code; warm each target until two passes in a row agree within 10%, at most 6 passes.
    foreach (var target in targets)
    {
        var previous = 0.0;
        for (var pass = 1; pass <= 6; pass++)
        {
            var warm = await H2Load.RunAsync(settings, target.Name, new Uri(address, target.Path).ToString(), target.Calls, options.WarmupRequests);
            Console.WriteLine($"  warm-up {pass} {target.Name,-13} {warm.RequestsPerSecond,10:N0} req/s, server {warm.CpuMicrosPerRequest:F1} µs CPU/req");
            if (pass >= 2 && Math.Abs(warm.RequestsPerSecond - previous) <= 0.1 * previous)
            {
                break;
            }

            previous = warm.RequestsPerSecond;
        }
    }

    var runs = new List<H2LoadResult>();
    var failed = false;
    for (var round = 0; round < options.Rounds; round++)
    {
        // Alternate which target goes first, so drift (thermal, tiering, GC heap growth) hits both alike.
        foreach (var target in round % 2 == 0 ? targets : targets.Reverse())
        {
            var result = await H2Load.RunAsync(settings, target.Name, new Uri(address, target.Path).ToString(), target.Calls);
            runs.Add(result);
            Console.WriteLine($"  round {round + 1} {target.Name,-13} {result.RequestsPerSecond,10:N0} req/s  p50 {Ms(result.P50Micros)}  p99 {Ms(result.P99Micros)}  " +
                $"{result.Succeeded}/{result.Total} ok, {result.Status2xx} 2xx, {result.HandlerCalls} handled, server {result.CpuMicrosPerRequest:F1} µs CPU + {result.AllocatedBytesPerRequest:N0} B/req, gen0 {result.ServerCost.Gen0}");
            if (!result.AllSucceeded)
            {
                Console.Error.WriteLine($"FAILED: {target.Name}: not every request succeeded and reached the handler");
                failed = true;
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
            var result = await H2Load.RunAsync(settings, target.Name, new Uri(address, target.Path).ToString(), target.Calls);
            var samples = sampler.Stop();
            var totalSamples = samples.Sum(s => s.Samples);
            Console.WriteLine($"  {target.Name}: {result.AllocatedBytesPerRequest:N0} B/req, {totalSamples} samples");
            foreach (var (type, count, _) in samples.Take(20))
            {
                Console.WriteLine($"    {count * result.AllocatedBytesPerRequest / totalSamples,8:N0} B/req  {100.0 * count / totalSamples,5:F1}%  {type}");
            }
        }
    }

    var runtime = Stats.MedianBy(runs.Where(r => r.Target == "runtime").ToList(), r => r.RequestsPerSecond);
    var bare = Stats.MedianBy(runs.Where(r => r.Target == "bare Kestrel").ToList(), r => r.RequestsPerSecond);
    var ratio = runtime.RequestsPerSecond / bare.RequestsPerSecond;
    // Each round's two runs sit next to each other in time, so their ratio is less exposed to load drift than the ratio of medians.
    var pairedRatios = Enumerable.Range(0, options.Rounds)
        .Select(round => runs.Skip(2 * round).Take(2).ToList())
        .Select(pair => pair.Single(r => r.Target == "runtime").RequestsPerSecond / pair.Single(r => r.Target == "bare Kestrel").RequestsPerSecond)
        .Order()
        .ToArray();
    var pairedRatio = pairedRatios[(pairedRatios.Length - 1) / 2];
    var cpuRatio = bare.CpuMicrosPerRequest / runtime.CpuMicrosPerRequest;

    Console.WriteLine($"\n== our client ({options.Callers} callers, one GrpcChannel, {options.Calls:N0} calls per run; client and server in this process)");
    using var clients = new ClientBench(address);
    await clients.GrpcUnaryAsync(options.Callers, Math.Max(options.Calls / 4, 1000));
    await clients.RawUnaryAsync(options.Callers, Math.Max(options.Calls / 4, 1000));
    var grpcRuns = new List<ClientResult>();
    var rawRuns = new List<ClientResult>();
    for (var round = 0; round < options.Rounds; round++)
    {
        var first = round % 2 == 0;
        if (first)
        {
            grpcRuns.Add(await clients.GrpcUnaryAsync(options.Callers, options.Calls));
        }

        rawRuns.Add(await clients.RawUnaryAsync(options.Callers, options.Calls));
        if (!first)
        {
            grpcRuns.Add(await clients.GrpcUnaryAsync(options.Callers, options.Calls));
        }

        Console.WriteLine($"  round {round + 1} GrpcChannel {grpcRuns[^1].PerSecond,10:N0} calls/s, raw {rawRuns[^1].PerSecond,10:N0} calls/s");
    }

    if (options.AllocationProfile)
    {
        using var sampler = new AllocationSampler();
        foreach (var (name, run) in new (string, Func<Task<ClientResult>>)[]
        {
            ("GrpcChannel", () => clients.GrpcUnaryAsync(options.Callers, options.Calls)),
            ("raw", () => clients.RawUnaryAsync(options.Callers, options.Calls)),
        })
        {
            sampler.Start();
            var result = await run();
            var samples = sampler.Stop();
            var totalSamples = samples.Sum(s => s.Samples);
            Console.WriteLine($"  allocations, {name} client + server: {result.AllocatedBytesPerItem:N0} B/call, {totalSamples} samples");
            foreach (var (type, count, _) in samples.Take(25))
            {
                Console.WriteLine($"    {count * result.AllocatedBytesPerItem / totalSamples,8:N0} B/call  {100.0 * count / totalSamples,5:F1}%  {type}");
            }
        }
    }

    var grpcUnary = Stats.MedianBy(grpcRuns, r => r.PerSecond);
    var rawUnary = Stats.MedianBy(rawRuns, r => r.PerSecond);

    Console.WriteLine($"\n== server streaming (one call, {options.StreamMessages:N0} messages of {options.StreamPayload} B payload)");
    await clients.GrpcStreamAsync(options.StreamMessages / 4, options.StreamPayload);
    await clients.RawStreamAsync(BenchHost.StreamPath, options.StreamMessages / 4, options.StreamPayload);
    await clients.RawStreamAsync(BenchHost.BareStreamPath, options.StreamMessages / 4, options.StreamPayload);
    var streamRuns = new List<ClientResult>();
    for (var round = 0; round < options.Rounds; round++)
    {
        streamRuns.Add(await clients.GrpcStreamAsync(options.StreamMessages, options.StreamPayload));
        streamRuns.Add(await clients.RawStreamAsync(BenchHost.StreamPath, options.StreamMessages, options.StreamPayload));
        streamRuns.Add(await clients.RawStreamAsync(BenchHost.BareStreamPath, options.StreamMessages, options.StreamPayload));
        Console.WriteLine("  round " + (round + 1) + " " + string.Join(", ", streamRuns.TakeLast(3).Select(r => $"{r.Name} {r.PerSecond:N0} msg/s")));
    }

    var streams = streamRuns.GroupBy(r => r.Name).Select(g => Stats.MedianBy(g.ToList(), r => r.PerSecond)).ToList();

    var report = new StringBuilder();
    report.AppendLine(CultureInfo.InvariantCulture, $"Unary over h2load (median of {options.Rounds}; -n {options.Requests} -c {options.Connections} -m {options.Streams} -t {options.Threads}; server CPU and allocations per request measured in the server process):");
    report.AppendLine();
    report.AppendLine("| endpoint | req/s | p50 | p99 | server CPU/req | server alloc/req |");
    report.AppendLine("|---|---:|---:|---:|---:|---:|");
    foreach (var r in new[] { runtime, bare })
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {(r == runtime ? "Pilotdeck runtime (`" + BenchHost.UnaryPath + "`)" : "bare Kestrel (`" + BenchHost.BarePath + "`)")} | {r.RequestsPerSecond:N0} | {Ms(r.P50Micros)} | {Ms(r.P99Micros)} | {r.CpuMicrosPerRequest:F1} µs | {r.AllocatedBytesPerRequest:N0} B |");
    }

    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"**ratio runtime / ceiling: {ratio:F3}** (goal ≥ 0.85: {(ratio >= 0.85 ? "met" : "NOT met")}); median of per-round ratios {pairedRatio:F3} [{string.Join(", ", pairedRatios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))}]; server CPU per request, ceiling / runtime: {cpuRatio:F3}");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Our client, {options.Callers} concurrent callers over one GrpcChannel, {options.Calls:N0} calls (median of {options.Rounds}):");
    report.AppendLine();
    report.AppendLine("| client | calls/s | p50 | p99 | alloc/call (client+server) |");
    report.AppendLine("|---|---:|---:|---:|---:|");
    foreach (var r in new[] { grpcUnary, rawUnary })
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {(r == grpcUnary ? "GrpcChannel (typed client)" : "raw HttpMessageInvoker, same request")} | {r.PerSecond:N0} | {Ms(r.P50Micros)} | {Ms(r.P99Micros)} | {r.AllocatedBytesPerItem:N0} B |");
    }

    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"client ratio GrpcChannel / raw: {grpcUnary.PerSecond / rawUnary.PerSecond:F3}");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Server streaming, one call of {options.StreamMessages:N0} messages ({options.StreamPayload} B payload each; median of {options.Rounds}):");
    report.AppendLine();
    report.AppendLine("| reader <- server | messages/s | alloc/msg (client+server) |");
    report.AppendLine("|---|---:|---:|");
    foreach (var r in streams)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.PerSecond:N0} | {r.AllocatedBytesPerItem:N0} B |");
    }

    var streamCeiling = streams.Single(s => s.Name.Contains("bare", StringComparison.Ordinal)).PerSecond;
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"streaming ratio GrpcChannel <- runtime / raw <- bare: {streams[0].PerSecond / streamCeiling:F3}");

    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {GCSettings.IsServerGC}; load average (1/5/15 min) at end: {LoadAverage()}.");
    Console.WriteLine("\n== results\n");
    Console.WriteLine(report);
    if (options.MarkdownFile is not null)
    {
        await File.WriteAllTextAsync(options.MarkdownFile, report.ToString());
    }

    return failed ? 1 : 0;
}
finally
{
    File.Delete(bodyFile);
    await app.StopAsync();
}
