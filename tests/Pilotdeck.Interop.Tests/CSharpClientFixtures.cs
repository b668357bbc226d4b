using System.Text.RegularExpressions;
using Pilotdeck.Interop.Client;

namespace Pilotdeck.Interop.Tests;

/// <summary>Our C# client, in process, against our in-process server: the cases run without any process start-up.</summary>
public sealed class PilotdeckServerFixture : IAsyncLifetime
{
    private PilotdeckServer? _server;
    private InteropClient? _client;

    public int Port => _server!.Port;

    public async Task InitializeAsync()
    {
        _server = await PilotdeckServer.StartAsync();
        _client = new InteropClient("127.0.0.1", _server.Port);
    }

    public async Task AssertCasePassesAsync(string testCase)
    {
        var result = await _client!.RunAsync(testCase, InteropCaseData.CaseTimeout);
        Assert.True(result.Passed, $"FAIL {testCase}: {result.Failure}");
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The grpc-js interop server (tests/Interop/node/interop_server.js) as a child process, and our C# client for it.</summary>
public sealed partial class GrpcJsServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private ChildProcess? _server;
    private InteropClient? _client;
    private string? _setupFailure;

    public async Task InitializeAsync()
    {
        // Setup problems are recorded, not thrown: a fixture exception would hide the hint behind xunit's fixture error.
        if (RepoLayout.MissingNodeModules() is { } missing)
        {
            _setupFailure = "The grpc-js interop server cannot run: " + missing;
            return;
        }

        try
        {
            _server = ChildProcess.Start("node", [RepoLayout.NodeServerScript, "--port=0"], RepoLayout.NodeSetupHint);
        }
        catch (InvalidOperationException ex)
        {
            _setupFailure = ex.Message;
            return;
        }

        var listening = await _server.WaitForLineAsync(ListeningLine(), StartTimeout);
        if (listening is null)
        {
            _setupFailure = $"The grpc-js interop server did not print 'listening 127.0.0.1:N' within {StartTimeout.TotalSeconds:0} s.\n\n{_server.Transcript()}";
            return;
        }

        _client = new InteropClient("127.0.0.1", int.Parse(listening.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task AssertCasePassesAsync(string testCase)
    {
        if (_setupFailure is not null)
        {
            Assert.Fail(_setupFailure);
        }

        var result = await _client!.RunAsync(testCase, InteropCaseData.CaseTimeout);
        Assert.True(result.Passed, $"FAIL {testCase}: {result.Failure}\n\n{_server!.Transcript()}");
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [GeneratedRegex(@"^listening 127\.0\.0\.1:(?<port>\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ListeningLine();
}
