using System.IO.Compression;
using System.Text.Json;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using Pilotdeck.Transparency.Bundles;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// An admin exports everything held about a participant from the participant's page in a real
/// browser: a malformed id is refused at its field, the first request is held for approval with its
/// id filled in, another admin approves it, and the same press downloads a zip whose files match
/// its manifest.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class SubjectExportPageTests(PortalFixture fixture)
{
    // The default bundle's rule, applied here because other portal tests replace the shared tenant's policy.
    private const string Bundle = """
        rules:
          - id: subject-export-needs-approval
            actions: [participants.subject-export]
            effect: require_approval
            approvers: {role: ADMIN}
            reason: A second admin confirms a data-subject export.
          - id: allow-the-rest
            effect: allow
            reason: everything else
        """;

    [Fact]
    public async Task SubjectExport_HeldForApproval_ThenDownloadsAZipMatchingItsManifest()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await page.GotoAsync("/admin/policy");
        await page.GetByLabel("Bundle (YAML)").FillAsync(Bundle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is in force");
        await CohortSteps.CreateCohortAsync(page, "Export round", "email", "en");
        await CohortSteps.AddParticipantAsync(page, "Mei", "mei@example.com");
        await page.GetByTestId("roster").GetByRole(AriaRole.Link, new() { Name = "Mei" }).ClickAsync();
        var participantId = await page.GetByTestId("profile").Locator("code").First.TextContentAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Export everything held about them" }).ClickAsync();
        await Expect(page.GetByLabel("Participant id")).ToHaveValueAsync(participantId!);
        await page.GetByLabel("Participant id").FillAsync("mei@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Download" }).ClickAsync();
        await Expect(page.Locator("#participant-error")).ToContainTextAsync("must be a participant's UUID");

        await page.GetByLabel("Participant id").FillAsync(participantId!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Download" }).ClickAsync();
        await Expect(page.GetByTestId("approval-required")).ToContainTextAsync("A member with the ADMIN role can approve");
        await Expect(page.GetByLabel("Approval id")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^apr_[0-9a-f]{32}$"));

        var approver = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(approver, PortalFixture.OperatorEmail);
        await approver.GotoAsync("/approvals");
        var row = approver.GetByTestId("approvals").Locator("tbody tr").Filter(new() { HasText = "participants/" + participantId });
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(approver.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved participants.subject-export");
        await approver.Context.CloseAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download" }).ClickAsync());

        Assert.Equal($"subject-export-{participantId}.zip", download.SuggestedFilename);
        await using (var zip = File.OpenRead(await download.PathAsync()))
        {
            var check = SubjectExportManifest.Verify(zip);
            Assert.True(check.Whole, string.Join("; ", check.Problems));
            Assert.Equal(participantId, check.Manifest!.ParticipantId);
        }

        using var archive = ZipFile.OpenRead(await download.PathAsync());
        using var profile = archive.GetEntry("profile.json")!.Open();
        Assert.Equal("mei@example.com", JsonDocument.Parse(profile).RootElement.GetProperty("email").GetString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "subject-export.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
