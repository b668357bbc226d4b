using System.Text.RegularExpressions;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck members import</c> and <c>pilotdeck imports …</c> against the real host: dry-run,
/// commit, re-import all unchanged, the error manifest and failed rows saved and verified offline,
/// a tampered manifest refused.
/// </summary>
public sealed class ImportsCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Theory]
    [InlineData("cohort", "import", "missing.csv", "--cohort", "fall-2025")]
    [InlineData("members", "import", "missing.csv", "--dry-run")]
    [InlineData("policy", "apply", "missing.yaml")]
    public async Task Command_GivenAFileThatIsNotThere_SaysSoWithoutAStackTrace(params string[] args)
    {
        using var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));

        var result = await cli.RunAsync(args);

        Assert.Equal(1, result.Exit);
        Assert.StartsWith($"error: Could not find file '{Path.Combine(Environment.CurrentDirectory, args[2])}'.", result.Err, StringComparison.Ordinal);
        Assert.Contains("hint: A relative path is read from the current directory", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembersImport_DryRunCommitReimport_AndTheManifestVerifiesOffline()
    {
        using var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        var domain = $"cli{Guid.NewGuid():N}"[..12] + ".example.com";
        var file = Path.Combine(cli.ConfigHome, "people.csv");
        await File.WriteAllTextAsync(file, $"userName,emails,givenName,familyName,active,roles\nann@{domain},,Ann,Lee,true,ANALYST\nbob@{domain},,,,true,VIEWER\nbroken,,,,true,VIEWER\n");
        var outDir = Path.Combine(cli.ConfigHome, "out");

        var dryRun = await cli.RunAsync("members", "import", file, "--dry-run", "--out-dir", outDir);
        Ok(dryRun);
        Assert.Contains("2 created, 0 updated, 0 unchanged, 1 rejected", dryRun.Out);
        Assert.Contains("Dry run: nothing was changed", dryRun.Out);
        var importId = Regex.Match(dryRun.Out, "imp_[0-9a-f]{32}").Value;
        var planHash = Regex.Match(dryRun.Out, "plan hash ([0-9a-f]{64})").Groups[1].Value;
        var manifest = Path.Combine(outDir, "people.import-manifest.json");
        Assert.Contains(manifest, dryRun.Out);
        Assert.Contains("reason", await File.ReadAllTextAsync(Path.Combine(outDir, "people.failed-rows.csv")));

        var rows = await cli.RunAsync("imports", "rows", importId, "--outcome", "rejected", "-o", "json");
        Ok(rows);
        Assert.Contains("is not a valid email address", rows.Out);
        var commit = await cli.RunAsync("imports", "commit", importId, "--plan-hash", planHash);
        Ok(commit);
        Assert.Contains("committed; 2 created", commit.Out);
        var again = await cli.RunAsync("members", "import", file, "--out-dir", outDir);
        Ok(again);
        Assert.Contains("0 created, 0 updated, 2 unchanged, 1 rejected", again.Out);

        var key = Path.Combine(cli.ConfigHome, "manifest-key.pem");
        Ok(await cli.RunAsync("imports", "manifest-key", "--out", key));
        var verified = await cli.RunAsync("imports", "verify-manifest", manifest, "--key", key);
        Ok(verified);
        // The re-import rejected the same row, so the saved manifest is now the second import's.
        Assert.Matches("verified: import imp_[0-9a-f]{32} of tenant demo", verified.Out);

        var text = await File.ReadAllTextAsync(manifest);
        var payload = Regex.Match(text, "\"payload\": \"([^\"]+)\"").Groups[1].Value;
        var forged = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Replace("\"rejected\":1", "\"rejected\":0")));
        await File.WriteAllTextAsync(manifest, text.Replace(payload, forged));
        var refused = await cli.RunAsync("imports", "verify-manifest", manifest, "--key", key);
        Assert.Equal(20, refused.Exit);
        Assert.Contains("NOT verified", refused.Err);
    }
}
