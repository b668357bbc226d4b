using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// A facilitator's cohort work in a real browser: create a cohort, add people (a bad phone is
/// refused at its field), watch the funnel, move several at once, filter, export the roster as
/// CSV, and record an update on one participant whose page shows history, notes and receipts.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CohortPagesTests
{
    private readonly PortalFixture _fixture;

    public CohortPagesTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Cohort_CreateAddBulkMoveFilterExport_AndRecordAnUpdateOnAParticipant()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = "fall-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByRole(AriaRole.Link, new() { Name = "Cohorts", Exact = true }).ClickAsync();
        await page.GetByLabel("Slug").FillAsync(slug);
        await page.GetByLabel("Title").FillAsync("Fall pilot");
        await page.GetByLabel("Target size").FillAsync("4");
        await page.GetByLabel("Default channel").FillAsync("wechat");
        await page.GetByLabel("Default locale").FillAsync("zh-CN");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create cohort" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fall pilot", Level = 1 })).ToBeVisibleAsync();

        await AddAsync(page, "lin@example.com", "Lin", "138 0013 8000");
        await AddAsync(page, "mei@example.com", "Mei", "");
        await page.GetByLabel("Email").FillAsync("wu@example.com");
        await page.GetByLabel("Phone").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add participant" }).ClickAsync();
        await Expect(page.Locator("#add-phone-error")).ToContainTextAsync("not a valid phone number");

        var roster = page.GetByTestId("roster");
        await Expect(roster.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("funnel").Locator("title")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("2 invited, 0 scheduled"));
        await page.GetByLabel("Select Lin").CheckAsync();
        await page.GetByLabel("Select Mei").CheckAsync();
        await page.GetByLabel("Move selected to").SelectOptionAsync(new SelectOptionValue { Label = "scheduled" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Update selected" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 participant(s) moved to scheduled");

        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "invited" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByText("No participants match.")).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("participant_id,alias,email,phone", csv);
        Assert.Single(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the filter was "invited": only the header

        await page.GotoAsync($"/cohorts/{slug}");
        await roster.GetByRole(AriaRole.Link, new() { Name = "Lin" }).ClickAsync();
        await Expect(page.GetByTestId("profile")).ToContainTextAsync("+8613800138000");
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "active" });
        await page.GetByLabel("Consent").SelectOptionAsync(new SelectOptionValue { Label = "Given" });
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Outreach note" }).FillAsync("joined the first session");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();
        await Expect(page.GetByTestId("participant-status")).ToHaveTextAsync("active");
        await Expect(page.GetByTestId("notes")).ToContainTextAsync("joined the first session");
        await Expect(page.GetByTestId("status-history").Locator("li")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("receipts").Locator("tbody tr")).ToHaveCountAsync(3);
        await page.Context.CloseAsync();
    }

    private static async Task AddAsync(IPage page, string email, string alias, string phone)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Alias").FillAsync(alias);
        await page.GetByLabel("Phone").FillAsync(phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add participant" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{alias} was added");
    }
}
