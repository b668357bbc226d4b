using System.Net;
using System.Net.Sockets;

namespace Pilotdeck.Interop.Tests;

/// <summary>
/// The executable's contract (flags, PASS/FAIL lines, exit codes) that scripts and the README rely on.
/// The cases themselves run in process in <see cref="CSharpClientAgainstPilotdeckServerTests"/>;
/// here one cheap case per outcome is enough.
/// </summary>
public sealed class CSharpClientCommandLineTests(PilotdeckServerFixture server) : IClassFixture<PilotdeckServerFixture>
{
    private static readonly string ClientDll = Path.Combine(AppContext.BaseDirectory, "Pilotdeck.Interop.Client.dll");

    // `dotnet test` exports the host it runs under; outside it, the one on PATH.
    private static readonly string DotnetHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    [Fact]
    public async Task CSharpClientExe_PassingCase_PrintsPassAndExitsZero()
    {
        var outcome = await RunClientAsync($"--server_port={server.Port}", "--server_host=127.0.0.1", "--test_case=empty_unary");

        Assert.True(outcome.ExitCode == 0, outcome.Transcript);
        Assert.Equal("PASS empty_unary", outcome.Stdout.Trim());
    }

    [Fact]
    public async Task CSharpClientExe_NoServer_PrintsFailAndExitsOne()
    {
        var outcome = await RunClientAsync($"--server_port={UnusedPort()}", "--test_case=empty_unary", "--timeout_ms=10000");

        Assert.True(outcome.ExitCode == 1, outcome.Transcript);
        Assert.StartsWith("FAIL empty_unary: ", outcome.Stderr);
    }

    [Fact]
    public async Task CSharpClientExe_UnknownCase_ExitsTwoWithUsage()
    {
        var outcome = await RunClientAsync($"--server_port={server.Port}", "--test_case=no_such_case");

        Assert.True(outcome.ExitCode == 2, outcome.Transcript);
        Assert.Contains("--test_case must be one of", outcome.Stderr);
    }

    private static async Task<ProcessOutcome> RunClientAsync(params string[] arguments)
    {
        await using var process = ChildProcess.Start(DotnetHost, [ClientDll, .. arguments], "The .NET SDK must be installed.");
        return await process.WaitForExitAsync(InteropCaseData.CaseTimeout);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
