using System.Diagnostics;
using Xunit;

namespace Pilotdeck.TestSupport;

/// <summary>
/// Builds tests/go-verifier once per test run against Debian's golang-golang-x-mod-dev (GOPATH mode,
/// no network) and runs it: the independent check of the receipt log, for the library's own tests
/// and for the server's output alike. Shared by the tests through an xunit class fixture.
/// </summary>
public sealed class GoVerifierProgram : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("pilotdeck-go-verifier-").FullName;

    /// <summary>The built executable.</summary>
    public string Executable => Path.Combine(_workDirectory, "go-verifier");

    /// <summary>A fresh directory for one test's artifacts.</summary>
    public string NewArtifactDirectory() => Directory.CreateDirectory(Path.Combine(_workDirectory, Guid.NewGuid().ToString("n"))).FullName;

    public async Task InitializeAsync()
    {
        var source = Path.Combine(FindRepoRoot(), "tests", "go-verifier");
        var result = await RunAsync("go", ["build", "-o", Executable, "."], source, stdin: "", BuildTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"go build of {source} failed ({result.ExitCode}):\n{result.Output}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_workDirectory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Runs the verifier with <paramref name="arguments"/>, feeding <paramref name="checks"/> on stdin.</summary>
    public Task<GoResult> VerifyAsync(IEnumerable<string> arguments, string checks) =>
        RunAsync(Executable, arguments, _workDirectory, checks, RunTimeout);

    private static async Task<GoResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, string stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Debian's packages in GOPATH mode: no module download, no toolchain switch. A cache of our
        // own keeps the build off a home directory that may not be writable.
        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOPATH"] = "/usr/share/gocode";
        start.Environment["GOFLAGS"] = "";
        start.Environment["GOTOOLCHAIN"] = "local";
        start.Environment["CGO_ENABLED"] = "0"; // pure Go: no C compiler needed (--no-install-recommends leaves gcc out)
        start.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "pilotdeck-go-cache");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Could not run '{fileName}': install golang-go and golang-golang-x-mod-dev (scripts/install-prerequisites.sh does).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
            using var timer = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(timer.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} did not finish within {timeout}.");
            }
            return new GoResult(process.ExitCode, await stdout + await stderr);
        }
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Grpc.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Grpc.sln not found above the test assembly.");
    }
}

/// <summary>Exit code and combined output of one run.</summary>
public sealed record GoResult(int ExitCode, string Output)
{
    public int Count(string prefix) => Output.Split('\n').Count(line => line.StartsWith(prefix, StringComparison.Ordinal));
}
