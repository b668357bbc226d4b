using System.Globalization;
using System.Text;
using static Pilotdeck.Bench.Common.Machine;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// The result tables as markdown (printed, and written with --markdown=FILE): throughput per
/// target, the three goal ratios with their per-round spread, and server CPU per call by layer.
/// Ratios only ever divide figures of the same run; absolute req/s depend on whatever else the
/// machine is doing and are shown for orientation.
/// </summary>
internal static class Report
{
    public const double TransportGoal = 0.85;
    public const double HostGoal = 0.5;
    public const double JsonGoal = 0.7;

    private static double Cpu(H2LoadResult result) => result.CpuMicrosPerRequest;

    public static string Build(Runner runner, BenchOptions options, Handler handler, string loadAtStart, string loadAtEnd)
    {
        var withB = runner.Runs.Any(r => r.Phase == "B");
        var text = new StringBuilder();
        void Line(string line = "") => text.AppendLine(line);
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

        Line($"h2load per run: `{options.Load.Flags}`, prior-knowledge h2c; "
            + $"median of {options.Rounds} round(s), order reversing each round (req/s, p50 and p99 from the median run; server CPU and allocations per request, "
            + "measured in the server process — bench and hosts; h2load is its own process — are medians of their own).");
        Line();
        Line("| target | req/s | p50 | p99 | server CPU/req | server alloc/req |");
        // req/s, p50 and p99 from the run with the median req/s; CPU and allocations are medians of their own.
        Line("|---|---:|---:|---:|---:|---:|");
        void Row(string phase, string key, string name)
        {
            var r = runner.Median(phase, key);
            Line($"| {name} | {F(r.RequestsPerSecond, "N0")} | {Ms(r.P50Micros)} | {Ms(r.P99Micros)} | {F(runner.MedianOf(phase, key, x => x.CpuMicrosPerRequest), "F1")} µs | {F(runner.MedianOf(phase, key, x => x.AllocatedBytesPerRequest), "N0")} B |");
        }

        Row("A", "bare", "1. bare Kestrel `MapPost`, grpc-dotnet's bytes by hand");
        Row("A", "echo", "1. grpc-dotnet, no interceptors (`BenchService/Echo`)");
        Row("A", "host", "2. Pilotdeck host `SystemService/GetServerInfo`, default logging");
        if (withB)
        {
            Row("B", "echo", "2. (phase B) grpc-dotnet, no interceptors, again");
            Row("B", "host-nolog", "2. (phase B) Pilotdeck host, request logging off");
        }

        Row("A", "bare-json", "3. host `GET /bench/server-info`, bare `MapGet`, same bytes");
        Row("A", "json", "3. host `GET /v1/server-info`, JSON transcoding");
        Line();

        Line("| ratio | goal | req/s, median of per-round ratios | req/s, per round | req/s, ratio of medians | server CPU/req, inverse ratio | |");
        Line("|---|---:|---:|---|---:|---:|---|");
        void Ratio(string name, string phase, string numerator, string denominator, double? goal)
        {
            var top = runner.Median(phase, numerator);
            var bottom = runner.Median(phase, denominator);
            var rounds = runner.PairedRatios(phase, numerator, denominator);
            var paired = rounds[(rounds.Length - 1) / 2];
            var verdict = goal is { } g ? (paired >= g ? "**met**" : "**not met**") : "(no goal)";
            Line($"| {name} | {(goal is { } g2 ? "≥ " + F(g2, "0.00") : "–")} | **{F(paired, "F3")}** | {string.Join(", ", rounds.Select(r => F(r, "F3")))} | "
                + $"{F(top.RequestsPerSecond / bottom.RequestsPerSecond, "F3")} | {F(runner.MedianOf(phase, denominator, Cpu) / runner.MedianOf(phase, numerator, Cpu), "F3")} | {verdict} |");
        }

        Ratio("1. transport: grpc-dotnet / bare Kestrel", "A", "echo", "bare", TransportGoal);
        Ratio("2. host pipeline: host GetServerInfo / transport", "A", "host", "echo", HostGoal);
        if (withB)
        {
            Ratio("2. same, request logging off (phase B)", "B", "host-nolog", "echo", null);
        }

        Ratio("3. JSON: transcoded / bare MapGet, same host", "A", "json", "bare-json", JsonGoal);
        Ratio("(JSON route / gRPC call, same host)", "A", "json", "host", null);
        Line();
        Line("Goals are judged on the median of the per-round ratios: the runs of a round sit next to each other in time, so their ratio is the least exposed to "
            + "load from other work on the machine. The CPU column divides server CPU per request (baseline / target): the ratio the server alone would reach if it had the cores to itself.");
        Line();

        Layers(runner, handler, withB, Line, F);
        Line($"Machine: {Describe()}; load average (1/5/15 min) at start {loadAtStart}, at end {loadAtEnd}.");
        return text.ToString();
    }

    /// <summary>
    /// Server CPU per call added by each layer, from the medians' CPU per request. CPU, unlike req/s,
    /// barely moves with other work on the machine, so differences of it are a fair way to split a
    /// ratio into parts. Cross-phase differences are taken against each phase's own transport run.
    /// </summary>
    private static void Layers(Runner runner, Handler handler, bool withB, Action<string> line, Func<double, string, string> f)
    {
        double Cpu(string phase, string key) => runner.MedianOf(phase, key, r => r.CpuMicrosPerRequest);
        double Alloc(string phase, string key) => runner.MedianOf(phase, key, r => r.AllocatedBytesPerRequest);
        string Us(double micros) => f(micros, "F1") + " µs";
        string B(double bytes) => f(bytes, "N0") + " B";

        line("| layer (server CPU per call) | adds CPU | adds alloc | measured as |");
        line("|---|---:|---:|---|");
        line($"| Kestrel HTTP/2 stream + endpoint writing fixed bytes | {Us(Cpu("A", "bare"))} | {B(Alloc("A", "bare"))} | bare `MapPost` |");
        line($"| grpc-dotnet: call context, framing, protobuf, service activation | {Us(Cpu("A", "echo") - Cpu("A", "bare"))} | {B(Alloc("A", "echo") - Alloc("A", "bare"))} | Echo − bare |");
        if (withB)
        {
            var host = Cpu("B", "host-nolog") - Cpu("B", "echo");
            line($"| Pilotdeck host without the log line: host middleware (gRPC-Web, CORS, Swagger, request-logging wrapper), routing, access interceptor, per-call DI scope, GetServerInfo handler and its {handler.ResponseBytes}-byte response | {Us(host)} | {B(Alloc("B", "host-nolog") - Alloc("B", "echo"))} | host, logging off − Echo (phase B) |");
            line($"| ↳ of which the GetServerInfo handler + serialisation alone | {Us(handler.CpuMicros)} | {B(handler.Bytes)} | handler in a loop, {handler.Operations:N0} calls |");
            line($"| ↳ (reference: a response built once, the way src/ now answers) | {Us(handler.CachedCpuMicros)} | {B(handler.CachedBytes)} | same loop |");
            var logLine = (Cpu("A", "host") - Cpu("A", "echo")) - host;
            var logAlloc = (Alloc("A", "host") - Alloc("A", "echo")) - (Alloc("B", "host-nolog") - Alloc("B", "echo"));
            line($"| the per-request log line (Serilog console + JSON file sinks) | {Us(logLine)} | {B(logAlloc)} | (host − Echo, phase A) − (host, logging off − Echo, phase B) |");
        }
        else
        {
            line($"| Pilotdeck host with its log line (everything above the transport) | {Us(Cpu("A", "host") - Cpu("A", "echo"))} | {B(Alloc("A", "host") - Alloc("A", "echo"))} | host − Echo |");
            line($"| ↳ of which the GetServerInfo handler + serialisation alone | {Us(handler.CpuMicros)} | {B(handler.Bytes)} | handler in a loop, {handler.Operations:N0} calls |");
        }

        line($"| JSON route on top of a bare `MapGet` in the same host: grpc-dotnet, transcoding, interceptor, handler, JSON formatter | {Us(Cpu("A", "json") - Cpu("A", "bare-json"))} | {B(Alloc("A", "json") - Alloc("A", "bare-json"))} | transcoded − bare `MapGet` |");
        line("");
    }
}
