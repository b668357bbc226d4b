namespace Pilotdeck.Bench.Rpc;

/// <summary>Command-line settings (--name=value). Usage: bench/rpc.sh.</summary>
internal sealed record BenchOptions
{
    /// <summary>h2load's load per measured run, the same for every target.</summary>
    public H2LoadOptions Load { get; init; } = new(Requests: 100_000);

    /// <summary>
    /// h2load requests per warm-up pass and target. Tiered JIT needs several passes (longer on a busy
    /// machine) before the async paths run optimised code; shorter passes agreed with each other
    /// while the rate was still climbing (see the warm-up notes in docs/performance.md).
    /// </summary>
    public int WarmupRequests { get; init; } = 100_000;

    /// <summary>Warm-up passes per target at most; warming stops early once two passes agree within 10%.</summary>
    public int WarmupPasses { get; init; } = 6;

    /// <summary>
    /// Measured runs per target, alternating the order; the median is reported. Five, not three: on
    /// a 2-core machine shared with other builds one round's ratio can be off by a third.
    /// </summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Also run the host with request logging off (the second phase), to price the log line.</summary>
    public bool LoggingOffPhase { get; init; } = true;

    /// <summary>Calls of the GetServerInfo handler alone, for its CPU and allocations per call.</summary>
    public int HandlerOperations { get; init; } = 50_000;

    /// <summary>Where the host's console sink writes (HostConsole.cs); /dev/null unless a file is wanted to read the lines.</summary>
    public string HostConsolePath { get; init; } = "/dev/null";

    /// <summary>Also write the result tables as markdown to this file.</summary>
    public string? MarkdownFile { get; init; }

    /// <summary>Extra arguments for the real host (e.g. --host-arg=--Pilotdeck:Grpc:ResponseCompression=gzip).</summary>
    public IReadOnlyList<string> HostArgs { get; init; } = [];

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        foreach (var (name, value) in CommandLine.Options(args))
        {
            int Int() => CommandLine.Count(value);
            options = options.Load.TryApply(name, value, out var load) ? options with { Load = load } : name switch
            {
                "--quick" => options with { Load = options.Load with { Requests = 20_000 }, WarmupRequests = 20_000, WarmupPasses = 2, Rounds = 1, HandlerOperations = 10_000 },
                "--warmup" => options with { WarmupRequests = Int() },
                "--warmup-passes" => options with { WarmupPasses = Math.Max(1, Int()) },
                "--rounds" => options with { Rounds = Math.Max(1, Int()) },
                "--no-logging-off" => options with { LoggingOffPhase = false },
                "--handler-ops" => options with { HandlerOperations = Int() },
                "--host-console" => options with { HostConsolePath = value },
                "--markdown" => options with { MarkdownFile = value },
                "--host-arg" => options with { HostArgs = [.. options.HostArgs, value] },
                _ => throw new ArgumentException($"Unknown option '{name}'. See bench/rpc.sh for usage."),
            };
        }

        return options;
    }
}
