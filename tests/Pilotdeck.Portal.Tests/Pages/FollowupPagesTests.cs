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
/// The follow-up queue and its templates in a real browser: participants ranked with their
/// reasons, due dates and the message to send (copied to the clipboard); a facilitator records a
/// nudge and the row moves on; a template with an unknown placeholder is refused at its field and
/// a good one is what the queue then offers; a viewer reads it all without the controls.
/// Each test uses a channel of its own, so its templates touch no other test's queue.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class FollowupPagesTests(PortalFixture fixture)
{
    [Fact]
    public async Task Queue_RanksWithReasonsAndCopy_AndAFacilitatorRecordsANudge()
    {
        var page = await fixture.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Spring pilot", UniqueChannel(), "en");
        await CohortSteps.AddParticipantAsync(page, "Plain");
        await CohortSteps.AddParticipantAsync(page, "Star", tags: "vip");
        // Star was invited five days ago: past the first step of the cadence (3 days), so a nudge is due.
        var star = await page.GetByTestId("roster").Locator("tr", new() { HasText = "Star" }).GetAttributeAsync("data-participant-id");
        await InvitedDaysAgoAsync(star!, 5);

        await page.GetByRole(AriaRole.Link, new() { Name = "Follow-ups" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Follow-ups", Level = 1 })).ToBeVisibleAsync();
        var counts = page.GetByTestId("followup-counts");
        await Expect(counts.Locator("[data-count=total]")).ToHaveTextAsync("2");
        await Expect(counts.Locator("[data-count=due]")).ToHaveTextAsync("1");
        var rows = page.GetByTestId("followups").Locator("> li");
        await Expect(rows.Locator("h2")).ToHaveTextAsync(["Star", "Plain"]);
        var first = rows.Nth(0);
        await Expect(first.GetByTestId("priority")).ToHaveTextAsync("Priority 1 · chase first");
        await Expect(first.GetByTestId("reasons").Locator("li")).ToHaveTextAsync(["5 days since the last contact", "a nudge is due", "tagged vip", "consent not recorded"]);
        await Expect(first.GetByTestId("next-due")).ToHaveTextAsync("due now");
        await Expect(first.GetByTestId("nudges")).ToContainTextAsync("0 of 3");
        await Expect(rows.Nth(1).GetByTestId("priority")).ToHaveTextAsync("Priority 3 · can wait");
        await Expect(rows.Nth(1).GetByTestId("next-due")).ToHaveTextAsync(new Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$"));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "followups.png"), FullPage = true });
        var message = first.GetByTestId("message");
        await Expect(message).ToHaveValueAsync(new Regex(@"^Spring pilot: are you still in\?\n\nHi Star, a quick reminder about the Spring pilot pilot"));
        await first.GetByRole(AriaRole.Button, new() { Name = "Copy the message to Star" }).ClickAsync();
        await Expect(first.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        Assert.Equal(await message.InputValueAsync(), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await first.GetByRole(AriaRole.Button, new() { Name = "Record nudge sent to Star" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Nudge to Star recorded");
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}/followups$"));
        await Expect(counts.Locator("[data-count=due]")).ToHaveTextAsync("0");
        var starRow = rows.Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Star" }) });
        await Expect(starRow.GetByTestId("next-due")).ToHaveTextAsync(new Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$"));
        await Expect(starRow.GetByTestId("days")).ToHaveTextAsync("0");

        await starRow.GetByRole(AriaRole.Link, new() { Name = "Star" }).ClickAsync();
        await Expect(page.GetByTestId("notes")).ToContainTextAsync("Nudge sent on");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Template_UnknownPlaceholderRefusedAtTheField_AGoodOneIsTheQueuesCopy()
    {
        var channel = UniqueChannel();
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Winter pilot", channel, "en");
        await CohortSteps.AddParticipantAsync(page, "Lin");

        await page.GotoAsync("/cohorts");
        await page.GetByRole(AriaRole.Link, new() { Name = "Message templates" }).ClickAsync();
        await Expect(page.GetByTestId("templates").Locator("tr[data-template='nudge/*/zh-CN']")).ToContainTextAsync("shipped");
        await page.GetByLabel("Channel", new() { Exact = true }).FillAsync(channel);
        await page.GetByLabel("Locale", new() { Exact = true }).FillAsync("en");
        await page.GetByLabel("Subject", new() { Exact = true }).FillAsync("{cohort_title} check-in");
        await page.GetByLabel("Body", new() { Exact = true }).FillAsync("Hi {name}, still with us?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
        await Expect(page.Locator("#body-error")).ToHaveTextAsync("Body has unknown placeholder(s) {name}; use {alias}, {cohort}, {cohort_title}, {days}, {release}.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "followup-templates.png"), FullPage = true });
        await Expect(page.GetByLabel("Body", new() { Exact = true })).ToHaveValueAsync("Hi {name}, still with us?");

        await page.GetByLabel("Body", new() { Exact = true }).FillAsync("Hi {alias}, {days} days since we spoke: still with us?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"The nudge template for {channel} in en was saved.");
        var row = page.GetByTestId("templates").Locator($"tr[data-template='nudge/{channel}/en']");
        await Expect(row).ToContainTextAsync("your tenant's");
        await row.GetByRole(AriaRole.Link, new() { Name = $"Edit the nudge template for {channel} in en" }).ClickAsync();
        await Expect(page.GetByLabel("Body", new() { Exact = true })).ToHaveValueAsync("Hi {alias}, {days} days since we spoke: still with us?");

        await page.GotoAsync($"/cohorts/{slug}/followups");
        var lin = page.GetByTestId("followups").Locator("> li").First;
        await Expect(lin.GetByTestId("message")).ToHaveValueAsync("Winter pilot check-in\n\nHi Lin, 0 days since we spoke: still with us?");
        await Expect(lin).ToContainTextAsync($"template: {channel} · en");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Viewer_ReadsTheQueueAndTemplates_WithoutRecordEditOrImportControls()
    {
        var admin = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(admin, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(admin, "Viewer pilot", UniqueChannel(), "zh-CN");
        await CohortSteps.AddParticipantAsync(admin, "Mei");
        await admin.Context.CloseAsync();

        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.ViewerEmail);
        await page.GotoAsync($"/cohorts/{slug}");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Follow-ups" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Import participants" })).ToHaveCountAsync(0);

        await page.GotoAsync($"/cohorts/{slug}/followups");
        var mei = page.GetByTestId("followups").Locator("> li").First;
        await Expect(mei.GetByTestId("message")).ToHaveValueAsync(new Regex("^Viewer pilot：期待您的参与"));
        await Expect(mei.GetByRole(AriaRole.Button, new() { Name = "Copy the message to Mei" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Record nudge sent" })).ToHaveCountAsync(0);

        await page.GotoAsync("/followups/templates");
        await Expect(page.GetByTestId("templates").Locator("tbody tr").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set a template" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    /// <summary>A channel no other test uses: templates are per tenant and the portal tests share one.</summary>
    private static string UniqueChannel() => "ch" + Guid.NewGuid().ToString("N")[..8];

    private async Task InvitedDaysAgoAsync(string participantId, int days)
    {
        await using var scope = fixture.ServerServices.CreateTenantScope(DemoSeeder.TenantId);
        var then = DateTimeOffset.UtcNow.AddDays(-days);
        await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Participants
            .Where(p => p.Id == participantId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, then));
    }
}
