namespace Pilotdeck.Bench.Api;

/// <summary>Command-line settings (--name=value). Usage: bench/api.sh.</summary>
internal sealed record BenchOptions
{
    /// <summary>h2load's load per measured run, the same for both endpoints.</summary>
    public H2LoadOptions Load { get; init; } = new(Requests: 50_000);

    /// <summary>
    /// h2load requests per warm-up pass and endpoint (JIT tiering, connection pools, caches). Passes
    /// of 20,000 (under a second each) could agree with each other while the JIT was still tiering
    /// up, and the first measured rounds then ran at two thirds of the later ones.
    /// </summary>
    public int WarmupRequests { get; init; } = 100_000;

    /// <summary>Measured runs per endpoint, alternating which goes first; the median is reported.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Providers to run, in order: sqlite, postgres.</summary>
    public IReadOnlyList<string> Providers { get; init; } = ["sqlite", "postgres"];

    /// <summary>Also sample allocations by type for one more run of each endpoint.</summary>
    public bool AllocationProfile { get; init; }

    /// <summary>
    /// Time the pieces of the authenticated path one by one (token validation, DI scope + DbContext,
    /// the principal lookup) in the server process. On by default; --no-breakdown skips it.
    /// </summary>
    public bool Breakdown { get; init; } = true;

    /// <summary>Operations per breakdown step.</summary>
    public int BreakdownOperations { get; init; } = 20_000;

    /// <summary>Also write the result tables as markdown to this file.</summary>
    public string? MarkdownFile { get; init; }

    /// <summary>Extra arguments for the host (e.g. --host-arg=--Logging:LogLevel:Default=Information).</summary>
    public IReadOnlyList<string> HostArgs { get; init; } = [];

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        foreach (var (name, value) in CommandLine.Options(args))
        {
            int Int() => CommandLine.Count(value);
            options = options.Load.TryApply(name, value, out var load) ? options with { Load = load } : name switch
            {
                "--quick" => options with { Load = options.Load with { Requests = 10_000 }, WarmupRequests = 5_000, Rounds = 1, BreakdownOperations = 5_000 },
                "--warmup" => options with { WarmupRequests = Int() },
                "--rounds" => options with { Rounds = Int() },
                "--providers" => options with { Providers = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToList() },
                "--alloc-profile" => options with { AllocationProfile = true },
                "--no-breakdown" => options with { Breakdown = false },
                "--breakdown-ops" => options with { BreakdownOperations = Int() },
                "--markdown" => options with { MarkdownFile = value },
                "--host-arg" => options with { HostArgs = [.. options.HostArgs, value] },
                _ => throw new ArgumentException($"Unknown option '{name}'. See bench/api.sh for usage."),
            };
        }

        if (options.Providers.Except(["sqlite", "postgres"]).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Unknown provider '{unknown}'; use sqlite and/or postgres.");
        }

        return options;
    }
}
