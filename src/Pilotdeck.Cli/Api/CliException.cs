namespace Pilotdeck.Cli.Api;

/// <summary>A failure the CLI explains itself: a message, what to do about it, and the exit code.</summary>
public sealed class CliException(int exitCode, string message, string? advice = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public string? Advice { get; } = advice;
}
