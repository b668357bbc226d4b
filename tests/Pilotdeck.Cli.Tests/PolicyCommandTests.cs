using System.Text.Json;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck policy</c> and <c>pilotdeck approvals</c> against the real host, as the runbook
/// goes: show the default, dry-run and apply a bundle, get held for approval, have another admin
/// approve, repeat with <c>--approval</c>.
/// </summary>
public sealed class PolicyCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private const string Bundle = """
        rules:
          - id: write-clients-need-approval
            actions: [api-clients.create]
            when: request.scopes.exists(s, s.endsWith('.write'))
            effect: require_approval
            approvers: {role: ADMIN}
            reason: A client that can write needs a second pair of eyes.
          - id: allow-the-rest
            effect: allow
            reason: everything else
        """;

    private PilotdeckTestHost Host => fixture.Host;

    private async Task<CliRunner> SignedInAsync(string email, string password)
    {
        var cli = new CliRunner(Host.Address);
        var login = await cli.RunAsync("login", "--email", email, "--password", password);
        Assert.True(login.Exit == 0, login.ToString());
        return cli;
    }

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    [Fact]
    public async Task HeldForApproval_AnotherAdminApproves_TheRepeatedCommandRuns()
    {
        using var owner = await SignedInAsync(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword);
        var shown = await owner.RunAsync("policy", "show");
        Ok(shown);
        Assert.Contains("id: owners-make-owners", shown.Out);
        Assert.Contains("# version 1, sha256 ", shown.Err);

        var file = Path.Combine(owner.ConfigHome, "bundle.yaml");
        await File.WriteAllTextAsync(file, Bundle);
        var dryRun = await owner.RunAsync("policy", "apply", file, "--dry-run");
        Ok(dryRun);
        Assert.Contains("Valid (2 rules", dryRun.Err);
        Ok(await owner.RunAsync("policy", "apply", file));

        var adminEmail = $"approver-{Guid.NewGuid():N}@demo.test";
        Ok(await owner.RunAsync("admin", "members", "add", adminEmail, "--role", "admin", "--initial-password", "Approver-Passphrase-42"));
        var held = await owner.RunAsync("admin", "clients", "create", "crm-sync", "--scope", "policy.write");
        Assert.NotEqual(0, held.Exit);
        Assert.Contains("APPROVAL_REQUIRED", held.Err);
        var approvalId = System.Text.RegularExpressions.Regex.Match(held.Err, "apr_[0-9a-f]{32}").Value;
        Assert.NotEmpty(approvalId);
        Assert.Contains($"--approval {approvalId}", held.Err);

        using (var admin = await SignedInAsync(adminEmail, "Approver-Passphrase-42"))
        {
            var inbox = await admin.RunAsync("approvals", "list", "--awaiting-me", "--output", "json");
            Ok(inbox);
            Assert.Contains(JsonDocument.Parse(inbox.Out).RootElement.EnumerateArray(), a => a.GetProperty("approval_id").GetString() == approvalId);
            var approved = await admin.RunAsync("approvals", "approve", approvalId, "--comment", "ok for the CRM");
            Ok(approved);
            Assert.Contains("--approval " + approvalId, approved.Err);
        }

        var created = await owner.RunAsync("admin", "clients", "create", "crm-sync", "--scope", "policy.write", "--approval", approvalId, "--output", "json");
        Ok(created);
        Assert.StartsWith("pdc_", JsonDocument.Parse(created.Out).RootElement.GetProperty("client_id").GetString());
        var decisions = await owner.RunAsync("policy", "decisions", "--action", "api-clients.create", "--output", "json");
        Ok(decisions);
        Assert.Contains(JsonDocument.Parse(decisions.Out).RootElement.EnumerateArray(), d => d.GetProperty("approval_id").GetString() == approvalId);
    }

    [Fact]
    public async Task Test_ReportsTheDecidingRule_AndAnInvalidBundleNamesItsLine()
    {
        using var owner = await SignedInAsync(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword);
        var file = Path.Combine(owner.ConfigHome, "candidate.yaml");
        await File.WriteAllTextAsync(file, Bundle);

        var tested = await owner.RunAsync("policy", "test", "--action", "api-clients.create", "--role", "owner",
            "--attr", "scopes=[\"policy.write\"]", "--attr", "lifetime_days=30", "--file", file, "--output", "json");
        Ok(tested);
        var record = JsonDocument.Parse(tested.Out).RootElement;
        Assert.Equal(("require_approval", "write-clients-need-approval"), (record.GetProperty("effect").GetString(), record.GetProperty("rule_id").GetString()));

        await File.WriteAllTextAsync(file, Bundle.Replace("effect: allow", "efect: allow", StringComparison.Ordinal));
        var invalid = await owner.RunAsync("policy", "apply", file);
        Assert.NotEqual(0, invalid.Exit);
        Assert.Contains("POLICY_BUNDLE_INVALID", invalid.Err);
        Assert.Contains("text:9", invalid.Err);
    }
}
