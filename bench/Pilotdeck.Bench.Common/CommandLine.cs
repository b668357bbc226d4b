using System.Globalization;

namespace Pilotdeck.Bench.Common;

/// <summary>The benches' command lines: --name=value options (a bare --name has the value "").</summary>
public static class CommandLine
{
    public static IEnumerable<(string Name, string Value)> Options(string[] args) =>
        args.Select(arg => arg.Split('=', 2) is [var name, var value] ? (name, value) : (arg, ""));

    /// <summary>A count; `_` may group digits (100_000).</summary>
    public static int Count(string value) => int.Parse(value.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
