using System.Text.RegularExpressions;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>
/// The walk-throughs in our docs, run exactly as printed from the repository root against one host
/// started with <c>./run.sh</c> (<see cref="RunShHost"/>), the way a newcomer runs them: README's
/// tour and the pilot-cohort runbook. bash runs them with <c>-euo pipefail</c>: any failing line
/// fails the test.
/// </summary>
public sealed partial class WalkthroughTests(RunShHost host) : IClassFixture<RunShHost>
{
    [Fact]
    public async Task ReadmeTour_EveryBlockAsPrinted_RunsAgainstRunSh()
    {
        var stdout = await RunAsync(TourScript(await File.ReadAllTextAsync(Path.Combine(RepoProcess.RepoRoot, "README.md"))));

        Assert.Contains("pilotdeck.system.v1.SystemService/GetServerInfo", stdout, StringComparison.Ordinal);
        Assert.Contains("\"tenantId\"", stdout, StringComparison.Ordinal);
        // curl posting JSON to the health method's own path: a Connect call (ADR 0033).
        Assert.Contains("{ \"status\": \"SERVING\" }", stdout, StringComparison.Ordinal);
        Assert.Contains("jaffle_shop", stdout, StringComparison.Ordinal);
        Assert.Contains("verified: ", stdout, StringComparison.Ordinal);
        Assert.Contains("ListParticipantsRequest has no field \"status\"; did you mean \"statuses\"?", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PilotCohortRunbook_EveryBlockAsPrinted_RunsAgainstRunSh()
    {
        var runbook = await File.ReadAllTextAsync(Path.Combine(RepoProcess.RepoRoot, "docs", "runbooks", "pilot-cohort.md"));

        var stdout = await RunAsync(string.Join("\n", ShellBlock().Matches(runbook).Select(m => m.Groups[1].Value)));

        Assert.Contains("6 created, 0 updated, 0 unchanged, 2 rejected", stdout, StringComparison.Ordinal);
        Assert.Contains("committed; 6 created", stdout, StringComparison.Ordinal);
        Assert.Contains("0 created, 0 updated, 6 unchanged, 2 rejected", stdout, StringComparison.Ordinal);
        Assert.Contains("+8613800138000", stdout, StringComparison.Ordinal);
        Assert.Contains("Booked for Tuesday 14:00", stdout, StringComparison.Ordinal);
        Assert.Contains("participant_id,alias,email,phone", stdout, StringComparison.Ordinal);
        Assert.Matches("\"sentiment\":\\s*\"positive\"", stdout);
        Assert.Matches(@"\| CSV export times out \| 2 \| 1 \|", stdout);
        Assert.Contains("# Changelog 2025.11.2", stdout, StringComparison.Ordinal);
        Assert.Matches(@"- \*\*CSV export times out\*\* \(fall-2025, shipped .*\): reported by `[0-9a-f-]{36}`", stdout);
        Assert.Contains("# UAT dry run: pilot-demo (seed 42)", stdout, StringComparison.Ordinal);
        Assert.Contains("feedback-text", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TourScript_ReadmeTour_HasBlocksThatUseEveryApiFace()
    {
        var script = TourScript(File.ReadAllText(Path.Combine(RepoProcess.RepoRoot, "README.md")));

        Assert.Contains("--protocol grpcweb", script, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5082/v1/", script, StringComparison.Ordinal);
        Assert.Contains("/oauth2/token", script, StringComparison.Ordinal);
    }

    private async Task<string> RunAsync(string script)
    {
        // Generous: on a loaded 2-core machine the tour's `dotnet run` lines alone take minutes.
        await host.Ready.WaitAsync(TimeSpan.FromMinutes(6));
        var (exit, stdout, stderr) = await RepoProcess.RunAsync("bash", ["-euo", "pipefail", "-c", script], TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, $"the walk-through failed ({exit}):\n{stdout}\n{stderr}\n--- server ---\n{host.Output}");
        return stdout;
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
}
