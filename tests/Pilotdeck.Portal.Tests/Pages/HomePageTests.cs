using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>The home page: what is waiting for the member, each a link to the list of it, and the cohorts under way.</summary>
[Collection(PortalCollection.Name)]
public sealed class HomePageTests(PortalFixture fixture)
{
    private static readonly Regex PlannedImports = new(@"^\d+\+? imports? (is|are) planned but not committed$");

    [Fact]
    public async Task Home_PlannedImportNobodyCommitted_IsListedAndLinksToThePlannedImports()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var fileName = await PlanAnImportAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run again" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Planned again against the current data");

        await page.GetByRole(AriaRole.Link, new() { Name = "Home", Exact = true }).ClickAsync();
        var waiting = page.GetByTestId("attention").GetByRole(AriaRole.Link, new() { NameRegex = PlannedImports });
        await waiting.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/imports\?state=Planned$"));
        await Expect(page.GetByLabel("Show", new() { Exact = true })).ToHaveValueAsync("Planned");
        await Expect(page.GetByTestId("imports")).ToContainTextAsync(fileName);
        await Expect(page.GetByTestId("imports")).Not.ToContainTextAsync("committed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Home_CohortMovedToRecruiting_ShowsAmongTheCohortsUnderWayWithItsFunnel()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var title = $"Home cohort {Guid.NewGuid():N}"[..20];
        var slug = await CohortSteps.CreateCohortAsync(page, title, "email", "en-US");
        await CohortSteps.AddParticipantAsync(page, "Ada", email: $"{slug}@example.com");
        await page.GotoAsync("/");
        await Expect(page.Locator($"[data-cohort='{slug}']")).ToHaveCountAsync(0); // still planning

        await page.GotoAsync($"/cohorts/{slug}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move to recruiting" }).ClickAsync();
        await page.GotoAsync("/");

        var card = page.GetByTestId("cohorts-under-way").Locator($"[data-cohort='{slug}']");
        await Expect(card).ToContainTextAsync("recruiting");
        await Expect(card.GetByTestId("funnel")).ToHaveAttributeAsync("role", "img");
        await Expect(card.Locator("title")).ToHaveTextAsync($"Participants of {slug} per status: 1 invited, 0 scheduled, 0 active, 0 completed, 0 dropped");
        await card.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}$"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Home_DeadNotificationAndPlannedImport_AreListedOnlyForWhoCanActOnThem()
    {
        await NotificationsPageTests.AddDeadLetterAsync(fixture, "Home page dead letter");
        var deadLetters = new Regex(@"^\d+ notifications? (was|were) not delivered \(dead letters?\)$");
        var admin = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(admin, PortalFixture.AdminEmail);
        await PlanAnImportAsync(admin);

        var viewer = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(viewer, PortalFixture.ViewerEmail);
        await viewer.GotoAsync("/");
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Needs attention" })).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Link, new() { NameRegex = deadLetters })).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Link, new() { NameRegex = PlannedImports })).ToHaveCountAsync(0);
        await viewer.Context.CloseAsync();

        await admin.GotoAsync("/");
        await Expect(admin.GetByTestId("attention").GetByRole(AriaRole.Link, new() { NameRegex = PlannedImports })).ToHaveCountAsync(1);
        await admin.GetByTestId("attention").GetByRole(AriaRole.Link, new() { NameRegex = deadLetters }).ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex(@"/admin/notifications\?state=Dead$"));
        await Expect(admin.GetByTestId("outbox")).ToContainTextAsync("Home page dead letter");
        await admin.Context.CloseAsync();
    }

    /// <summary>Uploads a one-row identities CSV as the signed-in admin and leaves its plan uncommitted; returns the file's name.</summary>
    private static async Task<string> PlanAnImportAsync(IPage page)
    {
        var fileName = $"home-{Guid.NewGuid():N}"[..13] + ".csv";
        await page.GotoAsync("/imports/new");
        await page.GetByLabel("Kind").SelectOptionAsync("identities");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload
        {
            Name = fileName, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes($"userName,roles\n{fileName}@example.com,VIEWER\n"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and dry run" }).ClickAsync();
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("planned");
        return fileName;
    }
}
