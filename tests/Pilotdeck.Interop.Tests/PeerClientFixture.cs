using System.Text.RegularExpressions;

namespace Pilotdeck.Interop.Tests;

/// <summary>
/// Runs a third-party interop client (grpc-js or grpcio) against our in-process server.
/// The peer runs once with --test_case=all and the theory rows read its per-case PASS/FAIL lines:
/// one process start instead of eighteen (node or python start-up costs 0.3-1 s each on CI's two
/// cores), while a failure is still reported on its own row. The run starts with the first row that
/// asks for it; rows of one class run one after another, so it runs once per class.
/// </summary>
public abstract partial class PeerClientFixture : IAsyncLifetime
{
    private readonly Lazy<Task<PeerRun>> _run;
    private PilotdeckServer? _server;

    protected PeerClientFixture()
    {
        _run = new Lazy<Task<PeerRun>>(RunAllCasesAsync);
    }

    /// <summary>"node", "python": how the failure messages name the peer.</summary>
    protected abstract string PeerName { get; }

    protected abstract string SetupHint { get; }

    /// <summary>Null when the peer can run, else what is missing and how to install it.</summary>
    protected abstract string? MissingPrerequisite();

    protected abstract (string FileName, string[] Arguments) CommandLine(int port);

    public async Task InitializeAsync() => _server = await PilotdeckServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public async Task AssertCasePassedAsync(string testCase) => (await _run.Value).AssertPassed(testCase);

    private async Task<PeerRun> RunAllCasesAsync()
    {
        if (MissingPrerequisite() is { } missing)
        {
            return PeerRun.SetupFailed($"The {PeerName} interop client cannot run: {missing}");
        }

        var (fileName, arguments) = CommandLine(_server!.Port);
        ChildProcess process;
        try
        {
            process = ChildProcess.Start(fileName, arguments, SetupHint);
        }
        catch (InvalidOperationException ex)
        {
            return PeerRun.SetupFailed(ex.Message);
        }

        await using (process)
        {
            var outcome = await process.WaitForExitAsync(InteropCaseData.CaseTimeout);
            return PeerRun.Parse(PeerName, SetupHint, outcome);
        }
    }

    /// <summary>The per-case verdicts of one --test_case=all run.</summary>
    private sealed partial class PeerRun
    {
        private readonly Dictionary<string, string?> _verdicts = new();
        private string? _setupFailure;
        private string _peer = "";
        private string _hint = "";
        private ProcessOutcome? _outcome;

        public static PeerRun SetupFailed(string message) => new() { _setupFailure = message };

        public static PeerRun Parse(string peer, string hint, ProcessOutcome outcome)
        {
            var run = new PeerRun { _peer = peer, _hint = hint, _outcome = outcome };
            foreach (Match m in PassLine().Matches(outcome.Stdout))
            {
                run._verdicts[m.Groups["case"].Value] = null;
            }

            foreach (Match m in FailLine().Matches(outcome.Stderr))
            {
                run._verdicts[m.Groups["case"].Value] = m.Groups["reason"].Value.TrimEnd('\r');
            }

            return run;
        }

        public void AssertPassed(string testCase)
        {
            if (_setupFailure is not null)
            {
                Assert.Fail(_setupFailure);
            }

            var outcome = _outcome!;
            if (!_verdicts.TryGetValue(testCase, out var failure))
            {
                // Exit code 2 is the peers' "bad usage or setup" (e.g. python without grpcio).
                var why = outcome.TimedOut ? "it hung and was killed"
                    : outcome.ExitCode == 2 ? $"it could not start its cases. {_hint}"
                    : "it stopped before reaching this case";
                Assert.Fail($"The {_peer} client printed no verdict for {testCase}: {why}\n\n{outcome.Transcript}");
            }

            if (failure is not null)
            {
                Assert.Fail($"The {_peer} client failed {testCase}: {failure}\n\n{outcome.Transcript}");
            }
        }

        [GeneratedRegex(@"^PASS (?<case>\w+)\s*$", RegexOptions.Multiline)]
        private static partial Regex PassLine();

        [GeneratedRegex(@"^FAIL (?<case>\w+): (?<reason>.*)$", RegexOptions.Multiline)]
        private static partial Regex FailLine();
    }
}

public sealed class NodeClientFixture : PeerClientFixture
{
    protected override string PeerName => "node (grpc-js)";

    protected override string SetupHint => RepoLayout.NodeSetupHint;

    protected override string? MissingPrerequisite() => RepoLayout.MissingNodeModules();

    protected override (string FileName, string[] Arguments) CommandLine(int port) =>
        ("node", [RepoLayout.NodeClientScript, "--server_host=127.0.0.1", $"--server_port={port}", "--test_case=all"]);
}

public sealed class PythonClientFixture : PeerClientFixture
{
    protected override string PeerName => "python (grpcio)";

    protected override string SetupHint => RepoLayout.PythonSetupHint;

    protected override string? MissingPrerequisite() =>
        File.Exists(RepoLayout.SystemPython) ? null : $"{RepoLayout.SystemPython} does not exist. {RepoLayout.PythonSetupHint}";

    protected override (string FileName, string[] Arguments) CommandLine(int port) =>
        (RepoLayout.SystemPython, [RepoLayout.PythonClientScript, "--server_host=127.0.0.1", $"--server_port={port}", "--test_case=all"]);
}
