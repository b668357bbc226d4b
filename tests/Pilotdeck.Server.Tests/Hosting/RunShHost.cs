using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>
/// <c>./run.sh</c> in the background from the repository root, the way a newcomer starts it, from
/// an empty <c>.data/</c>: one that exists is moved aside and put back afterwards. It needs the
/// ports 5080–5082 free; ready once the last endpoint (the portal) reports listening.
/// </summary>
public sealed class RunShHost : IAsyncLifetime
{
    private static readonly int[] DefaultPorts = [5080, 5081, 5082];

    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _data = Path.Combine(RepoProcess.RepoRoot, ".data");
    private readonly string _aside = Path.Combine(RepoProcess.RepoRoot, ".data.before-walkthrough-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

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

    public Task InitializeAsync()
    {
        foreach (var port in DefaultPorts)
        {
            if (!IsFree(port))
            {
                // Reported by every test through Ready, with the reason.
                _ready.TrySetException(new InvalidOperationException($"port {port} is in use: stop ./run.sh (or whatever holds it) before running this test."));
                return Task.CompletedTask;
            }
        }

        if (Directory.Exists(_data))
        {
            Directory.Move(_data, _aside);
        }

        _process = Process.Start(new ProcessStartInfo("bash", ["./run.sh"])
        {
            WorkingDirectory = RepoProcess.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("./run.sh exited before listening:\n" + Output));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        if (_process is null)
        {
            return Task.CompletedTask;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }

        if (Directory.Exists(_aside))
        {
            Directory.Move(_aside, _data);
        }

        return Task.CompletedTask;
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
}
