namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>Runs a command from the repository root and captures its output, with a hard time limit.</summary>
public static class RepoProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Grpc.sln not found above " + AppContext.BaseDirectory);
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The buf CLI installed by the test command under tests/node_modules.</summary>
    public static string Buf
    {
        get
        {
            var path = Path.Combine(RepoRoot, "tests", "node_modules", ".bin", "buf");
            Assert.True(File.Exists(path), $"buf is not installed at {path}: run ./test.sh (or `cd tests && npm ci`).");
            return path;
        }
    }
}
