using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck cohort</c> against the real host, the way the pilot-cohort runbook types it: create
/// a cohort, add people, list and filter, update a status with a note, export for a CRM.
/// </summary>
public sealed class CohortCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    private async Task<CliRunner> OwnerAsync()
    {
        var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        return cli;
    }

    [Fact]
    public async Task RosterCommands_AsTheRunbookTypesThem()
    {
        using var cli = await OwnerAsync();
        var slug = "fall-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await cli.RunAsync("cohort", "create", slug, "--title", "Fall 2025", "--channel", "wechat", "--locale", "zh-CN", "--target-size", "40"));
        var lin = await cli.RunAsync("cohort", "add", "--cohort", slug, "--email", "lin@example.com", "--alias", "Lin", "--tags", "vip|early", "-o", "json");
        Ok(lin);
        var linId = JsonDocument.Parse(lin.Out).RootElement.GetProperty("participant_id").GetString()!;
        Ok(await cli.RunAsync("cohort", "add", "--cohort", slug, "--email", "mei@example.com", "--alias", "=cmd|' /C calc'!A0", "--source", "referral"));

        var invited = await cli.RunAsync("cohort", "list", "--cohort", slug, "--status", "invited", "--limit", "20", "-o", "json");
        Ok(invited);
        Assert.Equal(2, JsonDocument.Parse(invited.Out).RootElement.GetArrayLength());
        var all = await cli.RunAsync("cohort", "list", "--cohort", slug, "--limit", "0", "-o", "json");
        Ok(all);
        Assert.Equal(2, JsonDocument.Parse(all.Out).RootElement.GetArrayLength());
        // The default table leaves the wide columns out; -o wide shows them.
        var table = await cli.RunAsync("cohort", "list", "--cohort", slug);
        Ok(table);
        Assert.Contains("EMAIL", table.Out);
        Assert.DoesNotContain("SOURCE", table.Out);
        var wide = await cli.RunAsync("cohort", "list", "--cohort", slug, "-o", "wide");
        Ok(wide);
        Assert.Contains("SOURCE", wide.Out);
        Assert.Contains("referral", wide.Out);
        var negative = await cli.RunAsync("cohort", "list", "--cohort", slug, "--limit", "-1");
        Assert.NotEqual(0, negative.Exit);
        Assert.Contains("--limit must be 0 (all) or more", negative.Err);

        var update = await cli.RunAsync("cohort", "update", linId, "--status", "scheduled", "--consent", "true", "--tags", "wechat|vip", "--note", "booked for Tuesday");
        Ok(update);
        Assert.Contains("changed status, consent, tags and added a note", update.Err);
        var scheduled = await cli.RunAsync("cohort", "list", "--cohort", slug, "--status", "scheduled", "-o", "markdown");
        Ok(scheduled);
        Assert.Contains("| wechat, vip |", scheduled.Out);
        // Nobody in the cohort has replied or been erased: a table leaves those columns out, CSV keeps them.
        Assert.DoesNotContain("reply_time", scheduled.Out);
        Assert.DoesNotContain("erase_time", scheduled.Out);
        var shown = await cli.RunAsync("cohort", "show", linId);
        Ok(shown);
        Assert.Contains("booked for Tuesday", shown.Out);
        Assert.Matches(@"consent_time\s+\d{4}-\d{2}-\d{2}T", shown.Out);
        // The first status came from nowhere: an empty cell, not the enum's "unspecified".
        Assert.DoesNotContain("unspecified", shown.Out, StringComparison.OrdinalIgnoreCase);
        var shownJson = await cli.RunAsync("cohort", "show", linId, "-o", "json");
        Ok(shownJson);
        Assert.Contains("\"from\": null", shownJson.Out);

        var skip = await cli.RunAsync("cohort", "update", linId, "--status", "completed");
        Assert.NotEqual(0, skip.Exit);
        Assert.Contains("TRANSITION_NOT_ALLOWED", skip.Err);

        var csv = await cli.RunAsync("cohort", "list", "--cohort", slug, "-o", "csv");
        Ok(csv);
        Assert.StartsWith("participant_id,cohort,alias,email", csv.Out);
        Assert.Contains(",reply_time,erase_time", csv.Out);
        Assert.Contains("wechat|vip", csv.Out);
        Assert.Contains("'=cmd|' /C calc'!A0", csv.Out);

        var export = await cli.RunAsync("cohort", "export", "--cohort", slug);
        Ok(export);
        Assert.StartsWith("participant_id,alias,email,phone,locale,status", export.Out);
        Assert.Contains("Exported 2 participant(s)", export.Err);
        Assert.Contains("'=cmd|' /C calc'!A0", export.Out);
        var forExcel = await cli.RunAsync("cohort", "export", "--cohort", slug, "--bom");
        Ok(forExcel);
        Assert.Equal("\uFEFF" + export.Out, forExcel.Out);

        var followups = await cli.RunAsync("followups", "--cohort", slug, "--status", "invited", "--format", "markdown");
        Ok(followups);
        Assert.Contains(@"| =cmd\|' /C calc'!A0 |", followups.Out); // Mei, still invited; Markdown escapes the pipe
        Assert.Contains("1 participant(s) have not replied; 0 nudge(s) due now.", followups.Err);
        Ok(await cli.RunAsync("followups", "set-template", "--kind", "nudge", "--channel", "wechat", "--locale", "zh-CN", "--subject", "{cohort_title}", "--body", "{alias}，记得回复哦"));
        var templates = await cli.RunAsync("followups", "templates", "-o", "json");
        Ok(templates);
        Assert.Contains("记得回复哦", templates.Out);

        var cohorts = await cli.RunAsync("cohort", "cohorts", "-o", "json");
        Ok(cohorts);
        var funnel = JsonDocument.Parse(cohorts.Out).RootElement.EnumerateArray().Single(c => c.GetProperty("slug").GetString() == slug);
        Assert.Equal((1, 1), (funnel.GetProperty("invited").GetInt32(), funnel.GetProperty("scheduled").GetInt32()));
    }

    [Fact]
    public async Task CohortImport_FilePastTheJobThreshold_ShowsProgressOnStderrWhileItPlans()
    {
        using var cli = await OwnerAsync();
        var slug = "big-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await cli.RunAsync("cohort", "create", slug, "--title", "Big"));
        // 2.6 MB: past the 2 MiB above which a background job plans the file.
        var file = Path.Combine(cli.ConfigHome, "big.csv");
        await File.WriteAllLinesAsync(file, ["alias,email,locale,tags", .. Enumerable.Range(0, 60_000).Select(i => $"P{i},p{i}@example.com,en-GB,early")]);
        Assert.True(new FileInfo(file).Length > 2 * 1024 * 1024);

        var dryRun = await cli.RunAsync("cohort", "import", file, "--cohort", slug, "--dry-run");

        Ok(dryRun);
        Assert.Contains("60000 created, 0 updated, 0 unchanged, 0 rejected", dryRun.Out);
        var progress = dryRun.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^planned: 60000/60000 rows, \d+ rows/s, ETA -$", progress[^1]);
        // While it plans, the total is an estimate from the bytes read, and says so.
        Assert.All(progress.Where(line => Regex.IsMatch(line, @"^planning: \d+/")), line => Assert.Matches(@"^planning: \d+/~\d+ rows, ", line));
    }

    [Fact]
    public async Task CohortImport_DryRunThenImport_ShowsRejectedRows_AndTheSameFileAgainIsAllUnchanged()
    {
        using var cli = await OwnerAsync();
        var slug = "seed-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await cli.RunAsync("cohort", "create", slug, "--title", "Seeded"));
        var file = Path.Combine(cli.ConfigHome, "pilot_cohort_seed.csv");
        await File.WriteAllTextAsync(file, "alias,email,phone,locale,status,source,tags,consent\r\n" +
            "Lin,lin@example.com,138 0013 8000,,,referral,wechat|vip,yes\r\n" +
            "Mei,mei@example.com,,,,,,\r\n" +
            "Bad,bad@,,,,,,\r\n");
        var outDir = Path.Combine(cli.ConfigHome, "seed-out");

        var dryRun = await cli.RunAsync("cohort", "import", file, "--cohort", slug, "--channel", "wechat", "--locale", "zh-CN", "--dry-run", "--out-dir", outDir);
        Ok(dryRun);
        Assert.Contains("2 created, 0 updated, 0 unchanged, 1 rejected", dryRun.Out);
        Assert.Contains("row 3: email: is not a valid email address", dryRun.Out);
        Assert.Contains("Dry run: nothing was changed", dryRun.Out);
        Assert.True(File.Exists(Path.Combine(outDir, "pilot_cohort_seed.failed-rows.csv")));

        var imported = await cli.RunAsync("cohort", "import", file, "--cohort", slug, "--channel", "wechat", "--locale", "zh-CN", "--out-dir", outDir);
        Ok(imported);
        Assert.Contains("committed; 2 created", imported.Out);
        var imports = await cli.RunAsync("imports", "list", "--kind", "roster", "--limit", "1", "-o", "csv");
        Ok(imports);
        Assert.Contains($",roster,{slug},committed,pilot_cohort_seed.csv,", imports.Out);
        var shown = await cli.RunAsync("imports", "show", Regex.Match(imports.Out, "imp_[0-9a-f]{32}").Value, "-o", "csv");
        Ok(shown);
        Assert.StartsWith("import_id,kind,cohort,state,", shown.Out, StringComparison.Ordinal);
        Assert.Equal(2, shown.Out.Trim().Split('\n').Length);
        var list = await cli.RunAsync("cohort", "list", "--cohort", slug, "-o", "csv");
        Ok(list);
        Assert.Contains("+8613800138000,zh-CN,invited,referral,wechat,wechat|vip", list.Out);
        Assert.Empty(list.Err);
        // Cut short by --limit: stdout is the one row, stderr says more match.
        var first = await cli.RunAsync("cohort", "list", "--cohort", slug, "--limit", "1", "-o", "csv");
        Ok(first);
        Assert.Equal(2, first.Out.Trim().Split('\n').Length);
        Assert.Equal("(the first 1 shown; more match: --limit N shows more, --limit 0 all)", first.Err.Trim());

        var again = await cli.RunAsync("cohort", "import", file, "--cohort", slug, "--channel", "wechat", "--locale", "zh-CN", "--out-dir", outDir);
        Ok(again);
        Assert.Contains("0 created, 0 updated, 2 unchanged, 1 rejected", again.Out);
        var againDryRun = await cli.RunAsync("cohort", "import", file, "--cohort", slug, "--dry-run", "--out-dir", outDir);
        Ok(againDryRun);
        Assert.Contains("committing this plan would change nothing either", againDryRun.Out);
        Assert.DoesNotContain("pilotdeck imports commit", againDryRun.Out);

        var unknown = await cli.RunAsync("cohort", "import", file, "--cohort", "no-such-cohort");
        Assert.NotEqual(0, unknown.Exit);
        Assert.Contains("COHORT_NOT_FOUND", unknown.Err);
    }
}
