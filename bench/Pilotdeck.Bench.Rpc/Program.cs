using Pilotdeck.Bench.Rpc;
using static Pilotdeck.Bench.Common.Machine;

// gRPC transport benchmark on grpc-dotnet. Usage and defaults: bench/rpc.sh and BenchOptions.cs.
// Exit codes: 0 ok (whether or not a goal is met), 1 a check or a run failed, 2 h2load missing.
var options = BenchOptions.Parse(args);
// Each target's run names its own body file.
if (options.Load.Settings(bodyFile: "") is not { } settings)
{
    return 2;
}

#if DEBUG
Console.Error.WriteLine("warning: Debug build; numbers are meaningless. Use bench/rpc.sh (Release).");
#endif

using var console = HostConsole.Install(options.HostConsolePath);
var problems = new List<string>();
var echoBody = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-rpc-echo-{Environment.ProcessId}.bin");
var emptyBody = Path.Combine(Path.GetTempPath(), $"pilotdeck-bench-rpc-empty-{Environment.ProcessId}.bin");
await File.WriteAllBytesAsync(echoBody, Payloads.EchoRequestFrame);
await File.WriteAllBytesAsync(emptyBody, Payloads.EmptyMessageFrame);
var runner = new Runner(options, settings, problems);
var loadAtStart = LoadAverage();
Out.Line($"load average at start: {loadAtStart}");
Out.Line($"host: {Describe()}");
Out.Line($"h2load: {settings.Executable} {options.Load.Flags} --log-file=<log> "
    + "{ -d <frame.bin> -H 'content-type: application/grpc' -H 'te: trailers' | (GET, no body) } http://127.0.0.1:<port><path>");

try
{
    var (transport, transportAddress) = await TransportHost.StartAsync();
    await using var transportApp = transport;
    Target echo = new("echo", "grpc-dotnet Echo, no interceptors", new Uri(transportAddress, TransportHost.EchoPath), echoBody, () => Interlocked.Read(ref BenchServiceImpl.EchoCalls));
    Target bare = new("bare", "bare Kestrel, same bytes", new Uri(transportAddress, TransportHost.BarePath), echoBody, () => Interlocked.Read(ref TransportHost.BareCalls));
    Out.Line($"\n== transport host {transportAddress}: request frame {Payloads.EchoRequestFrame.Length} B, response frame {Payloads.EchoResponseFrame.Length} B; checks");
    using var checks = new Checks(problems);
    await checks.TransportAsync(transportAddress);

    Handler handler;
    await using (var real = await RealHost.StartAsync(options.HostArgs))
    {
        Out.Line($"\n== real host {real.Address} (PilotdeckHost.BuildAsync, SQLite in a temp directory, request logging {(real.LogsRequests ? "on" : "OFF")}); checks");
        await checks.HostAsync(real, console);
        if (problems.Count > 0)
        {
            return Fail(problems);
        }

        // Successful calls are counted from the host's own log lines, so nothing is added to its pipeline.
        Func<long>? Lines(string marker) => real.LogsRequests ? console.Count(marker) : null;
        Target host = new("host", "host GetServerInfo (all layers, default logging)", new Uri(real.Address, RealHost.GrpcPath), emptyBody, Lines(LogMarkers.Grpc));
        Target json = new("json", "host GET /v1/server-info (JSON transcoding)", new Uri(real.Address, RealHost.JsonPath), null, Lines(LogMarkers.Json));
        Target bareJson = new("bare-json", "host GET /bench/server-info (bare MapGet)", new Uri(real.Address, RealHost.BareJsonPath), null, Lines(LogMarkers.BareJson) ?? (() => RealHost.BareJsonCalls));
        Target[] targets = [bare, echo, host, bareJson, json];

        Out.Line($"\n== warm-up ({options.WarmupRequests:N0} requests a pass, until two passes agree within 10%, at most {options.WarmupPasses})");
        await runner.WarmUpAsync(targets);
        Out.Line($"\n== measured rounds, phase A: {string.Join(", ", targets.Select(t => t.Key))}");
        await runner.RoundsAsync("A", targets);

        handler = real.MeasureHandler(options.HandlerOperations);
        Out.Line($"\n== GetServerInfo handler alone + serialisation, {options.HandlerOperations:N0} calls on one thread: {handler.CpuMicros:F1} µs CPU, {handler.Bytes:N0} B, "
            + $"response {handler.ResponseBytes} B; with the contract digests computed once: {handler.CachedCpuMicros:F1} µs CPU, {handler.CachedBytes:N0} B");
    }

    if (options.LoggingOffPhase)
    {
        await using var real = await RealHost.StartAsync([.. options.HostArgs, RealHost.RequestLoggingOff]);
        Out.Line($"\n== real host {real.Address}, request logging off ({RealHost.RequestLoggingOff}); checks");
        await checks.HostAsync(real, console);
        if (problems.Count > 0)
        {
            return Fail(problems);
        }

        Target hostOff = new("host-nolog", "host GetServerInfo, request logging off", new Uri(real.Address, RealHost.GrpcPath), emptyBody, null);
        var stray = console.Count(LogMarkers.Grpc);
        var strayBefore = stray();
        Out.Line("\n== warm-up");
        await runner.WarmUpAsync([hostOff]);
        Out.Line("\n== measured rounds, phase B: echo, host-nolog");
        await runner.RoundsAsync("B", [echo, hostOff]);
        if (stray() != strayBefore)
        {
            problems.Add($"request logging was meant to be off, but {stray() - strayBefore} request lines were written");
        }
    }

    var report = Report.Build(runner, options, handler, loadAtStart, LoadAverage());
    Out.Line("\n== results\n");
    Out.Line(report);
    if (options.MarkdownFile is not null)
    {
        await File.WriteAllTextAsync(options.MarkdownFile, report);
    }
}
finally
{
    File.Delete(echoBody);
    File.Delete(emptyBody);
}

return problems.Count > 0 ? Fail(problems) : 0;

static int Fail(List<string> problems)
{
    problems.ForEach(p => Console.Error.WriteLine("FAILED: " + p));
    return 1;
}

/// <summary>The GetServerInfo handler timed alone (and with its digests cached): server CPU and allocations per call, the serialised response size.</summary>
internal sealed record Handler(double CpuMicros, double Bytes, double CachedCpuMicros, double CachedBytes, int ResponseBytes, int Operations);
