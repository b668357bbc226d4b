using System.Globalization;

namespace Pilotdeck.Bench.Rpc;

/// <summary>Command-line settings (--name=value). Defaults saturate a 2-core machine in about a minute.</summary>
internal sealed record BenchOptions
{
    /// <summary>h2load requests per measured run (-n).</summary>
    public int Requests { get; init; } = 100_000;

    /// <summary>
    /// h2load requests per warm-up pass and target, for JIT tiering and connection set-up. Passes of
    /// 50,000 (under a second each) could agree with each other at half the rate the later rounds
    /// reached, so round 1 measured the JIT rather than the runtime.
    /// </summary>
    public int WarmupRequests { get; init; } = 200_000;

    /// <summary>h2load client connections (-c).</summary>
    public int Connections { get; init; } = 16;

    /// <summary>h2load concurrent streams per connection (-m).</summary>
    public int Streams { get; init; } = 32;

    /// <summary>h2load threads (-t); one keeps h2load to one core of two.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Measured h2load runs per target, alternating the order; the median is reported.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Concurrent callers sharing one GrpcChannel.</summary>
    public int Callers { get; init; } = 64;

    /// <summary>Unary calls per client run.</summary>
    public int Calls { get; init; } = 100_000;

    /// <summary>Messages in the server-streaming run.</summary>
    public int StreamMessages { get; init; } = 200_000;

    /// <summary>Payload bytes per streamed message.</summary>
    public int StreamPayload { get; init; } = 32;

    public string? H2LoadPath { get; init; }

    /// <summary>After the measured runs, one more h2load run per target with allocations sampled by type.</summary>
    public bool AllocationProfile { get; init; }

    /// <summary>Only host the endpoints and print the address, for driving them by hand (h2load, curl, a profiler).</summary>
    public bool ServeOnly { get; init; }

    /// <summary>Also write the result tables as markdown to this file.</summary>
    public string? MarkdownFile { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        foreach (var arg in args)
        {
            var (name, value) = arg.Split('=', 2) is [var n, var v] ? (n, v) : (arg, "");
            int Int() => int.Parse(value.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            options = name switch
            {
                "--quick" => options with { Requests = 20_000, WarmupRequests = 10_000, Rounds = 1, Calls = 20_000, StreamMessages = 50_000 },
                "--requests" => options with { Requests = Int() },
                "--warmup" => options with { WarmupRequests = Int() },
                "--connections" => options with { Connections = Int() },
                "--streams" => options with { Streams = Int() },
                "--threads" => options with { Threads = Int() },
                "--rounds" => options with { Rounds = Int() },
                "--callers" => options with { Callers = Int() },
                "--calls" => options with { Calls = Int() },
                "--stream-messages" => options with { StreamMessages = Int() },
                "--stream-payload" => options with { StreamPayload = Int() },
                "--alloc-profile" => options with { AllocationProfile = true },
                "--serve" => options with { ServeOnly = true },
                "--h2load" => options with { H2LoadPath = value },
                "--markdown" => options with { MarkdownFile = value },
                _ => throw new ArgumentException($"Unknown option '{arg}'. See bench/rpc.sh for usage."),
            };
        }

        return options;
    }
}
