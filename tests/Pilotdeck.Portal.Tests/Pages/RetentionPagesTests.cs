using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// An admin in a real browser: sets retention windows (a window out of range is refused at its box),
/// previews and runs retention with counts per data class; and erases a participant on request, held
/// for a second admin's approval, after which the participant's page shows them erased.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class RetentionPagesTests(PortalFixture fixture)
{
    [Fact]
    public async Task RetentionPage_SetsWindows_PreviewsThenRuns_WithCountsPerDataClass()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await CohortSteps.CreateCohortAsync(page, "Retention round", "wechat", "zh-CN");
        await CohortSteps.AddParticipantAsync(page, "Mei", "mei@example.com");
        await page.GetByTestId("roster").GetByRole(AriaRole.Link, new() { Name = "Mei" }).ClickAsync();
        var participantId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Outreach note" }).FillAsync("Mei is travelling until March");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("notes")).ToContainTextAsync("Mei is travelling until March");
        await AgeNotesAsync(DemoSeeder.TenantId, participantId, days: 400);

        await page.GetByRole(AriaRole.Link, new() { Name = "Data retention" }).ClickAsync();
        var attachments = page.GetByLabel("Attachments, days to keep");
        await attachments.FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save windows" }).ClickAsync();
        await Expect(page.Locator("#days-2-error")).ToContainTextAsync("must be 1 to 3650");
        await attachments.FillAsync("90");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save windows" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Retention windows saved.");
        await Expect(page.GetByLabel("Attachments, days to keep")).ToHaveValueAsync("90");

        await page.GetByRole(AriaRole.Button, new() { Name = "Preview (dry run)" }).ClickAsync();
        await Expect(page.GetByTestId("run-summary")).ToContainTextAsync("Dry run: 1 record(s) are past their window; nothing was changed.");
        var notesRow = page.GetByTestId("run-counts").Locator("tbody tr").Filter(new() { HasText = "outreach_notes" });
        await Expect(notesRow).ToContainTextAsync("anonymised");
        await Expect(notesRow.Locator("td").Last).ToHaveTextAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(page.GetByTestId("run-summary")).ToContainTextAsync("Done: 1 record(s) removed or anonymised. Receipt retention/runs/");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "retention.png"), FullPage = true });

        await page.GetByLabel("Attachments, days to keep").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save windows" }).ClickAsync();
        await Expect(page.GetByLabel("Attachments, days to keep")).ToHaveValueAsync("");
        await page.GotoAsync("/participants/" + participantId);
        await Expect(page.GetByTestId("notes")).ToContainTextAsync("(text removed)");
        await Expect(page.GetByTestId("notes")).Not.ToContainTextAsync("travelling");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ParticipantPage_EraseNeedsConfirmationAndApproval_ThenShowsTheParticipantErased()
    {
        // Acme keeps the default policy (the policy page tests change the demo tenant's), which holds erasure for an admin's approval.
        var owner = await MemberOfAcmeAsync(MemberRole.Owner);
        var admin = await MemberOfAcmeAsync(MemberRole.Admin);
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, owner);
        await CohortSteps.CreateCohortAsync(page, "Erasure round", "email", "en");
        await CohortSteps.AddParticipantAsync(page, "Lin", "lin@example.com", "+8613800138000");
        await page.GetByTestId("roster").GetByRole(AriaRole.Link, new() { Name = "Lin" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Erase personal data" }).ClickAsync();
        await Expect(page.Locator("#erase-confirmed-error")).ToContainTextAsync("Tick the box to confirm");
        await page.GetByLabel("I understand").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase personal data" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("APPROVAL_REQUIRED");
        var approvalId = ApprovalId().Match(await page.GetByRole(AriaRole.Alert).InnerTextAsync()).Value;
        Assert.NotEmpty(approvalId);

        var approver = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(approver, admin);
        await approver.GotoAsync("/approvals");
        var row = approver.GetByTestId("approvals").Locator("tbody tr").Filter(new() { HasText = approvalId });
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(approver.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved participants.erase");
        await approver.Context.CloseAsync();

        await page.GetByLabel("I understand").CheckAsync();
        await page.GetByLabel("Approval id").FillAsync(approvalId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase personal data" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Personal data erased");
        await Expect(page.GetByTestId("erased")).ToHaveTextAsync("Erased");
        await Expect(page.GetByTestId("erased-notice")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("profile")).Not.ToContainTextAsync("lin@example.com");
        await Expect(page.GetByTestId("profile")).Not.ToContainTextAsync("+8613800138000");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Record an update" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Erase personal data" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "participant-erased.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    private async Task<string> MemberOfAcmeAsync(MemberRole role)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@acme.test";
        await using var acme = fixture.ServerServices.CreateTenantScope(PortalFixture.OtherTenantId);
        var users = acme.ServiceProvider.GetRequiredService<UserAccounts>();
        var user = await users.CreateAsync(email, PortalFixture.Password);
        await users.SetMembershipAsync(user.Id, role);
        return email;
    }

    private async Task AgeNotesAsync(string tenantId, string participantId, int days)
    {
        await using var scope = fixture.ServerServices.CreateTenantScope(tenantId);
        var then = DateTimeOffset.UtcNow.AddDays(-days);
        await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().ParticipantNotes
            .Where(n => n.ParticipantId == participantId).ExecuteUpdateAsync(s => s.SetProperty(n => n.CreatedAt, then));
    }

    [GeneratedRegex("apr_[0-9a-f]{32}")]
    private static partial Regex ApprovalId();
}
