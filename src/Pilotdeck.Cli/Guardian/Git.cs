using System.Diagnostics;

namespace Pilotdeck.Cli.Guardian;

/// <summary>Runs the user's git. Guardian's hand-off (a patch for <c>git apply</c>, a branch) is git's format, so git makes it.</summary>
internal static class Git
{
    /// <summary>Runs git in <paramref name="directory"/>; returns stdout, or throws with git's own message.</summary>
    /// <param name="acceptedExitCodes">Exit codes that are not failures (<c>git diff --no-index</c> exits 1 when the files differ).</param>
    public static async Task<string> RunAsync(string directory, IEnumerable<string> arguments, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null, int[]? acceptedExitCodes = null)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new GuardianInputException("git could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new GuardianInputException($"--patch and --branch need git on the PATH ({ex.Message}).");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0 && !(acceptedExitCodes ?? []).Contains(process.ExitCode))
            {
                throw new GuardianInputException($"git {string.Join(' ', start.ArgumentList)} failed in {directory}: {(await stderr).Trim()}");
            }
            return await stdout;
        }
    }

    /// <summary>The project directory's path inside its git work tree (<c>analytics/</c>), "" at the root, or null outside git.</summary>
    public static async Task<string?> PrefixAsync(string directory, CancellationToken ct)
    {
        try
        {
            return (await RunAsync(directory, ["rev-parse", "--show-prefix"], ct)).Trim();
        }
        catch (GuardianInputException)
        {
            return null;
        }
    }
}
