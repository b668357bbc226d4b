using System.Diagnostics;
using System.Text.Json;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>The built <c>pilotdeck</c> program as users run it: a separate process, real environment variables and exit codes.</summary>
public sealed class ExecutableTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    [Fact]
    public async Task Pilotdeck_ProcessWithSavedProfile_PrintsWhoamiAndExitsWithStatusCodes()
    {
        using var cli = new CliRunner(fixture.Host.Address);
        var login = await cli.RunAsync("login", "--client-id", fixture.Host.ClientId, "--client-secret", fixture.Host.ClientSecret);
        Assert.True(login.Exit == 0, login.ToString());

        var whoami = await RunProcessAsync(cli.ConfigHome, "whoami", "--output", "json");
        var missing = await RunProcessAsync(cli.ConfigHome, "whoami", "--profile", "missing");

        Assert.True(whoami.Exit == 0, whoami.ToString());
        Assert.Equal(fixture.Host.ClientId, JsonDocument.Parse(whoami.Out).RootElement.GetProperty("subject").GetString());
        Assert.Equal(16, missing.Exit);
        Assert.Contains("hint: Run `pilotdeck login", missing.Err);
    }

    private static async Task<CliResult> RunProcessAsync(string configHome, params string[] args)
    {
        // The CLI project's output is copied beside the tests: its apphost where the SDK made one, else the dll via dotnet.
        var directory = AppContext.BaseDirectory;
        var apphost = Path.Combine(directory, OperatingSystem.IsWindows() ? "pilotdeck.exe" : "pilotdeck");
        var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(directory, "pilotdeck.dll") } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.Environment["XDG_CONFIG_HOME"] = configHome;
        start.Environment.Remove("PILOTDECK_SERVER");
        start.Environment.Remove("PILOTDECK_PROFILE");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pilotdeck {string.Join(' ', args)} did not finish in 60 s.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
