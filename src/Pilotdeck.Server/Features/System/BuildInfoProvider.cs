using System.Globalization;
using System.Reflection;

namespace Pilotdeck.Server.Features.System;

/// <summary>Version and build facts stamped into the assembly at build time (see Pilotdeck.Server.csproj).</summary>
public sealed record BuildInfoProvider(string Version, string Commit, DateTimeOffset? BuildTime, DateTime StartTime)
{
    public static BuildInfoProvider FromAssembly(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "" : informational[(plus + 1)..];
        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        DateTimeOffset? buildTime = metadata.TryGetValue("SourceCommitTime", out var text) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
        return new BuildInfoProvider(version, commit, buildTime, global::System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime());
    }
}
