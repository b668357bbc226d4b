using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck data-subject-export</c> against the real host with the default policy: held for a
/// second admin's approval, then saved, verified and listed file by file; a malformed id is refused
/// with its field named.
/// </summary>
public sealed partial class DataSubjectExportCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private static void Ok(CliResult result) => Assert.True(result.Exit == 0, result.ToString());

    private async Task<CliRunner> SignedInAsync(string email, string password)
    {
        var cli = new CliRunner(Host.Address);
        Ok(await cli.RunAsync("login", "--email", email, "--password", password));
        return cli;
    }

    [Fact]
    public async Task DataSubjectExport_HeldForApproval_ThenSavesAVerifiedZip_AndPrintsEachFile()
    {
        using var owner = await SignedInAsync(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword);
        var slug = "dse-" + Guid.NewGuid().ToString("N")[..8];
        Ok(await owner.RunAsync("cohort", "create", slug, "--title", "Export"));
        var added = await owner.RunAsync("cohort", "add", "--cohort", slug, "--email", "lin@example.com", "--alias", "Lin", "-o", "json");
        Ok(added);
        var participant = JsonDocument.Parse(added.Out).RootElement.GetProperty("participant_id").GetString()!;
        Ok(await owner.RunAsync("feedback", "submit", "--participant", participant, "--rating", "2", "--sentiment", "negative", "--blocker", "CSV export fails"));
        var target = Path.Combine(owner.ConfigHome, "lin.zip");

        var held = await owner.RunAsync("data-subject-export", "--participant", participant, "--output", target);
        Assert.NotEqual(0, held.Exit);
        Assert.Contains("APPROVAL_REQUIRED", held.Err);
        var approvalId = ApprovalId().Match(held.Err).Value;
        Assert.False(File.Exists(target));

        var adminEmail = $"dpo-{Guid.NewGuid():N}@demo.test";
        Ok(await owner.RunAsync("admin", "members", "add", adminEmail, "--role", "admin", "--initial-password", "Approver-Passphrase-42"));
        using (var admin = await SignedInAsync(adminEmail, "Approver-Passphrase-42"))
        {
            Ok(await admin.RunAsync("approvals", "approve", approvalId, "--comment", "the participant asked"));
        }

        var exported = await owner.RunAsync("data-subject-export", "--participant", participant, "--output", target, "--approval", approvalId);

        Ok(exported);
        Assert.Contains($"wrote {target}: ", exported.Out);
        Assert.Contains("verified: every file matches manifest.json", exported.Out);
        Assert.False(File.Exists(target + ".partial"));
        using var zip = ZipFile.OpenRead(target);
        foreach (var entry in zip.Entries.Where(e => e.FullName != "manifest.json"))
        {
            using var content = entry.Open();
            Assert.Contains($"{Convert.ToHexStringLower(SHA256.HashData(content))}  {entry.Length,12}  {entry.FullName}", exported.Out);
        }

        using (var feedback = zip.GetEntry("feedback.json")!.Open())
        {
            Assert.Equal("CSV export fails", JsonDocument.Parse(feedback).RootElement[0].GetProperty("blockers")[0].GetString());
        }
    }

    [Fact]
    public async Task DataSubjectExport_NotAUuid_IsRefused_NamingTheField()
    {
        using var owner = await SignedInAsync(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword);

        var refused = await owner.RunAsync("data-subject-export", "--participant", "lin@example.com", "--output", Path.Combine(owner.ConfigHome, "x.zip"));

        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("participant_id: must be a participant's UUID", refused.Err);
        Assert.False(File.Exists(Path.Combine(owner.ConfigHome, "x.zip")));
    }

    [GeneratedRegex("apr_[0-9a-f]{32}")]
    private static partial Regex ApprovalId();
}
