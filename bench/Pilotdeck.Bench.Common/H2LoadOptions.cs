namespace Pilotdeck.Bench.Common;

/// <summary>
/// How hard a bench drives its targets with h2load, as its command line sets it (--requests,
/// --connections, --streams, --threads, --h2load); the same for every target of a run.
/// </summary>
public sealed record H2LoadOptions(int Requests)
{
    /// <summary>Client connections (-c).</summary>
    public int Connections { get; init; } = 16;

    /// <summary>Concurrent streams per connection (-m).</summary>
    public int Streams { get; init; } = 32;

    /// <summary>Threads (-t); one keeps h2load to one core of two.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>h2load's path; searched for when not given.</summary>
    public string? Executable { get; init; }

    /// <summary>The flags as h2load takes them, for the lines that say how a run was made.</summary>
    public string Flags => $"-n {Requests} -c {Connections} -m {Streams} -t {Threads}";

    /// <summary>These options with <paramref name="name"/> set, when it is one of theirs.</summary>
    public bool TryApply(string name, string value, out H2LoadOptions applied)
    {
        H2LoadOptions? set = name switch
        {
            "--requests" => this with { Requests = CommandLine.Count(value) },
            "--connections" => this with { Connections = CommandLine.Count(value) },
            "--streams" => this with { Streams = CommandLine.Count(value) },
            "--threads" => this with { Threads = CommandLine.Count(value) },
            "--h2load" => this with { Executable = value },
            _ => null,
        };
        applied = set ?? this;
        return set is not null;
    }

    /// <summary>The settings of every run, or null (and why, on stderr) when h2load is not installed.</summary>
    public H2LoadSettings? Settings(string bodyFile)
    {
        if (H2Load.Find(Executable) is { } executable)
        {
            return new H2LoadSettings(executable, this, bodyFile);
        }

        Console.Error.WriteLine("h2load not found. Install it with: sudo apt-get install -y nghttp2-client");
        return null;
    }
}
