using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>
/// README's tour, run exactly as printed from the repository root against a host started with
/// <c>./run.sh</c>, the way a newcomer runs it. The run starts from an empty <c>.data/</c>: one that
/// exists is moved aside for the test and put back afterwards. It needs the ports 5080–5082 free.
/// </summary>
public sealed partial class ReadmeTourTests
{
    private static readonly int[] DefaultPorts = [5080, 5081, 5082];

    [Fact]
    public async Task ReadmeTour_EveryBlockAsPrinted_RunsAgainstRunSh()
    {
        foreach (var port in DefaultPorts)
        {
            Assert.True(IsFree(port), $"port {port} is in use: stop ./run.sh (or whatever holds it) before running this test.");
        }

        var script = TourScript(await File.ReadAllTextAsync(Path.Combine(RepoProcess.RepoRoot, "README.md")));
        var data = Path.Combine(RepoProcess.RepoRoot, ".data");
        var aside = data + ".before-tour-" + Guid.NewGuid().ToString("N");
        if (Directory.Exists(data))
        {
            Directory.Move(data, aside);
        }

        using var server = StartRunSh(RepoProcess.RepoRoot);
        try
        {
            await server.Ready.WaitAsync(TimeSpan.FromMinutes(4));

            var (exit, stdout, stderr) = await RepoProcess.RunAsync("bash", ["-euo", "pipefail", "-c", script], TimeSpan.FromMinutes(4));

            Assert.True(exit == 0, $"the tour failed ({exit}):\n{stdout}\n{stderr}\n--- server ---\n{server.Output}");
            Assert.Contains("pilotdeck.system.v1.SystemService/GetServerInfo", stdout, StringComparison.Ordinal);
            Assert.Contains("\"tenantId\"", stdout, StringComparison.Ordinal);
            Assert.Contains("jaffle_shop", stdout, StringComparison.Ordinal);
            Assert.Contains("verified: ", stdout, StringComparison.Ordinal);
        }
        finally
        {
            server.Stop();
            if (Directory.Exists(aside))
            {
                Directory.Delete(data, recursive: true);
                Directory.Move(aside, data);
            }
            else
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public void TourScript_ReadmeTour_HasBlocksThatUseEveryApiFace()
    {
        var script = TourScript(File.ReadAllText(Path.Combine(RepoProcess.RepoRoot, "README.md")));

        Assert.Contains("--protocol grpcweb", script, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5082/v1/", script, StringComparison.Ordinal);
        Assert.Contains("/oauth2/token", script, StringComparison.Ordinal);
    }

    /// <summary>The ```sh blocks of the "A tour" section, in order, as one script (variables carry over).</summary>
    private static string TourScript(string readme)
    {
        var start = readme.IndexOf("## A tour", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '## A tour' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var tour = end < 0 ? readme[start..] : readme[start..end];
        var blocks = ShellBlock().Matches(tour).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);
        return string.Join("\n", blocks);
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static RunningServer StartRunSh(string checkout)
    {
        var start = new ProcessStartInfo("bash", ["./run.sh"])
        {
            WorkingDirectory = checkout,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return new RunningServer(Process.Start(start)!);
    }

    /// <summary>./run.sh in the background; ready once the last endpoint (the portal) reports listening.</summary>
    private sealed class RunningServer : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RunningServer(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Record(e.Data);
            _process.ErrorDataReceived += (_, e) => Record(e.Data);
            _process.EnableRaisingEvents = true;
            _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("./run.sh exited before listening:\n" + Output));
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public Task Ready => _ready.Task;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        private void Record(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (line.Contains("Portal listening on", StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }

        public void Stop()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }

        public void Dispose()
        {
            Stop();
            _process.Dispose();
        }
    }
}
