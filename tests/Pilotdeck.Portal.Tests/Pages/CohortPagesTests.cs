using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// A facilitator's cohort work in a real browser: create a cohort, add people (a bad phone is
/// refused at its field), watch the funnel, move several at once, filter, export the roster as
/// CSV, and record an update on one participant whose page shows history, notes and receipts;
/// and import participants from a roster through the import wizard's dry run and commit.
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
        await page.GetByRole(AriaRole.Link, new() { Name = "Cohorts", Exact = true }).ClickAsync();
        var slug = await CohortSteps.CreateCohortAsync(page, "Fall pilot", "wechat", "zh-CN", targetSize: 4);

        await CohortSteps.AddParticipantAsync(page, "Lin", "lin@example.com", "138 0013 8000");
        await CohortSteps.AddParticipantAsync(page, "Mei", "mei@example.com");
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
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // for Excel, which reads UTF-8 without it as the system's code page
        var csv = System.Text.Encoding.UTF8.GetString(bytes[3..]);
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
        await Expect(page.GetByTestId("profile")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"given \(portal, \d{4}-\d{2}-\d{2}\)"));
        await Expect(page.GetByTestId("notes")).ToContainTextAsync("joined the first session");
        // Unset values read as a dash in their own row; times say whose clock they are.
        await Expect(Fact(page, "Source")).ToHaveTextAsync("–");
        await Expect(Fact(page, "Channel")).ToHaveTextAsync("wechat");
        await Expect(page.GetByTestId("notes").Locator("time")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$"));
        await Expect(page.GetByTestId("status-history").Locator("li")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("receipts").Locator("tbody tr")).ToHaveCountAsync(3);
        await page.Context.CloseAsync();
    }

    private static ILocator Fact(IPage page, string term) =>
        page.GetByTestId("profile").Locator($"dt:text-is('{term}') + dd");

    [Fact]
    public async Task Roster_ImportParticipants_DryRunThenCommit_ShowsThemOnTheRoster()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Import pilot", "wechat", "zh-CN");

        await page.GetByRole(AriaRole.Link, new() { Name = "Import participants" }).ClickAsync();
        await Expect(page.GetByLabel("Kind")).ToHaveValueAsync("roster");
        await Expect(page.GetByLabel("Options")).ToHaveValueAsync($"cohort={slug}");
        // Three rows, one rejected (the policy test holds four-row imports for approval).
        var csv = "Email,Name,Tags\nann@example.com,Ann,vip\nbo@example.com,Bo,\nnot-an-email,Cy,\n";
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "seed.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and dry run" }).ClickAsync();
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("2 / 0 / 0 / 1");
        await Expect(page.GetByTestId("import-rows")).ToContainTextAsync("not a valid email address");

        await page.GetByRole(AriaRole.Button, new() { Name = "Commit" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Committed: 2 created");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Roster of {slug}" }).ClickAsync();
        var roster = page.GetByTestId("roster");
        await Expect(roster.Locator("tbody tr")).ToHaveCountAsync(2);
        // One commit adds both at the same instant, so their order on the roster is not the file's.
        await Expect(roster.Locator("tbody tr", new() { HasText = "ann@example.com" })).ToContainTextAsync("wechat");
        await Expect(roster.Locator("tbody tr", new() { HasText = "ann@example.com" })).ToContainTextAsync("vip");
        await Expect(roster.Locator("tbody tr", new() { HasText = "bo@example.com" })).ToContainTextAsync("Bo");

        // The imports list says which cohort each roster went into, and leads back to it.
        await page.GotoAsync("/imports");
        await page.GetByTestId("imports").Locator("tbody tr").First.GetByRole(AriaRole.Link, new() { Name = $"cohort {slug}" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/cohorts/{slug}$"));
        await page.Context.CloseAsync();
    }
}
