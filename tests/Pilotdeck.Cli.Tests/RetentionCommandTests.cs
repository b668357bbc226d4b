using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck retention</c> and <c>pilotdeck data-subject-erase</c> against the real host, as an admin
/// types them: windows shown and set, a dry run's counts, and an erasure held for a second admin's approval.
/// </summary>
public sealed partial class RetentionCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Fact]
    public async Task RetentionShowSetAndDryRun_AsAnAdminTypesThem()
    {
        using var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));

        var set = await cli.RunAsync("retention", "set", "--attachments", "90", "--session-text", "0", "-o", "markdown");
        var shown = await cli.RunAsync("retention", "show", "-o", "json");
        var dry = await cli.RunAsync("retention", "run", "--dry-run");
        var none = await cli.RunAsync("retention", "set");
        var tooLong = await cli.RunAsync("retention", "set", "--outreach-notes", "5000");

        Ok(set);
        Assert.Contains("| attachments | 90 | 180 | yes | deleted |", set.Out);
        Assert.Contains("| session-text | 365 | 365 | no | anonymised |", set.Out);
        Ok(shown);
        var windows = JsonDocument.Parse(shown.Out).RootElement.EnumerateArray().Select(w => w.GetProperty("data_class").GetString()).ToList();
        Assert.Equal(["feedback-text", "session-text", "attachments", "outreach-notes", "followup-history", "import-files"], windows);
        Ok(dry);
        Assert.Matches(@"feedback-text\s+feedback_items\s+deleted\s+0", dry.Out);
        Assert.Contains("Dry run: 0 record(s) are past their window; nothing was changed.", dry.Err);
        Assert.NotEqual(0, none.Exit);
        Assert.Contains("--feedback-text DAYS", none.Err);
        Assert.NotEqual(0, tooLong.Exit);
        Assert.Contains("windows[0].days: must be 1 to 3650", tooLong.Err);
    }

    [Fact]
    public async Task DataSubjectErase_HeldForApproval_ThenErasesAndShowsTheParticipantErased()
    {
        using var owner = new CliRunner(Host.Address);
        Ok(await owner.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword));
        var slug = "erase-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await owner.RunAsync("cohort", "create", slug, "--title", "Erasure"));
        var added = await owner.RunAsync("cohort", "add", "--cohort", slug, "--email", "lin@example.com", "--alias", "Lin", "--note", "prefers WeChat", "-o", "json");
        Ok(added);
        var participant = JsonDocument.Parse(added.Out).RootElement.GetProperty("participant_id").GetString()!;
        var adminEmail = $"admin-{Guid.NewGuid():N}@example.com";
        Ok(await owner.RunAsync("admin", "members", "add", adminEmail, "--role", "admin", "--initial-password", "Another-Long-Passphrase-7"));

        var held = await owner.RunAsync("data-subject-erase", "--participant", participant);
        Assert.NotEqual(0, held.Exit);
        Assert.Contains("APPROVAL_REQUIRED", held.Err);
        var approvalId = ApprovalId().Match(held.Err).Value;
        using var admin = new CliRunner(Host.Address);
        Ok(await admin.RunAsync("login", "--email", adminEmail, "--password", "Another-Long-Passphrase-7"));
        Ok(await admin.RunAsync("approvals", "approve", approvalId));
        var erased = await owner.RunAsync("data-subject-erase", "--participant", participant, "--approval", approvalId, "-o", "markdown");
        var shown = await owner.RunAsync("cohort", "show", participant, "-o", "json");

        Ok(erased);
        Assert.Contains("| profile | participants | anonymised | 1 |", erased.Out);
        Assert.Contains("| outreach-notes | outreach_notes | anonymised | 1 |", erased.Out);
        Assert.Contains($"Participant {participant} erased at", erased.Err);
        Ok(shown);
        Assert.DoesNotContain("lin@example.com", shown.Out);
        Assert.DoesNotContain("prefers WeChat", shown.Out);
        Assert.Matches("\"erase_time\": \"20", shown.Out);
        var again = await owner.RunAsync("data-subject-erase", "--participant", participant);
        Assert.NotEqual(0, again.Exit);
        Assert.Contains("PARTICIPANT_ERASED", again.Err);
        Assert.Contains("someone who comes back is added as a new participant", again.Err, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("apr_[0-9a-f]{32}")]
    private static partial Regex ApprovalId();
}
