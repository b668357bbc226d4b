namespace Pilotdeck.Cli.Guardian;

/// <summary>Process exit codes of the guardian commands, stable for CI scripts.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Coverage is below <c>--fail-under</c>.</summary>
    public const int BelowThreshold = 1;

    /// <summary>Missing or unreadable input (manifest, catalog, guardian.yml, previous analysis).</summary>
    public const int InputError = 2;
}
