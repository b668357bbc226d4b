using System.CommandLine;
using Pilotdeck.Cli;
using Pilotdeck.Cli.Api;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// Runs <c>pilotdeck</c> in-process with captured output, against its own config directory (as
/// $XDG_CONFIG_HOME), so tests neither share profiles nor touch the real home directory.
/// </summary>
public sealed class CliRunner : IDisposable
{
    public CliRunner(Uri? server = null)
    {
        Server = server;
        ConfigHome = Directory.CreateTempSubdirectory("pilotdeck-cli-").FullName;
    }

    public Uri? Server { get; }

    /// <summary>What $XDG_CONFIG_HOME points to; the profiles live in its pilotdeck/ directory.</summary>
    public string ConfigHome { get; }

    public string ProfilesPath => Path.Combine(ConfigHome, "pilotdeck", ProfileStore.FileName);

    /// <summary>The directory the CLI keeps its config in (profiles, trusted checkpoints).</summary>
    public string ConfigDirectory => Path.Combine(ConfigHome, "pilotdeck");

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs with the runner's <c>--server</c> appended, unless the arguments name one.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    /// <summary>As above; <paramref name="cancellationToken"/> stands in for Ctrl-C.</summary>
    public async Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var variables = new Dictionary<string, string>(Variables) { ["XDG_CONFIG_HOME"] = ConfigHome };
        // Not a terminal: a missing secret must fail instead of prompting.
        var environment = new CliEnvironment(variables, isInteractive: false, _ => null);
        var output = new StringWriter();
        var error = new StringWriter();
        // Synchronized, so a test can read what a still-running command has printed (ErrorSoFar).
        var liveError = TextWriter.Synchronized(error);
        _liveError = (error, liveError);
        string[] full = Server is null || args.Contains("--server") ? args : [.. args, "--server", Server.ToString()];
        var exit = await CliRoot.Create(environment).Parse(full).InvokeAsync(new InvocationConfiguration { Output = output, Error = liveError }, cancellationToken);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    private (StringWriter Text, TextWriter Lock)? _liveError;

    /// <summary>What the running (or last) command has written to stderr so far.</summary>
    public string ErrorSoFar()
    {
        if (_liveError is not { } live)
        {
            return "";
        }

        lock (live.Lock)
        {
            return live.Text.ToString();
        }
    }

    public void Dispose() => Directory.Delete(ConfigHome, recursive: true);
}

public sealed record CliResult(int Exit, string Out, string Err)
{
    public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}
