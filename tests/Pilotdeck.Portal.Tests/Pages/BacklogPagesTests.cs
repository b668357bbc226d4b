using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The backlog board in a real browser: reached from the menu and the cohort's page, blockers
/// promoted into one card per group with its link counts, a card moved column by column (a skipped
/// release refused at its field, then shipped), and the release's changelog with the participants
/// it is tied to. Each test makes its own cohort.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class BacklogPagesTests(PortalFixture fixture)
{
    [Fact]
    public async Task Facilitator_PromotesBlockers_MovesACardToShipped_AndReadsTheChangelog()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Backlog pilot", "email", "en");
        await CohortSteps.AddParticipantAsync(page, "Ana");
        await CohortSteps.AddParticipantAsync(page, "Bo");
        var roster = page.GetByTestId("roster");
        var ana = (await roster.Locator("tr", new() { HasText = "Ana" }).GetAttributeAsync("data-participant-id"))!;
        var bo = (await roster.Locator("tr", new() { HasText = "Bo" }).GetAttributeAsync("data-participant-id"))!;
        await SubmitAsync(ana, "CSV export fails", "No dark mode");
        await SubmitAsync(bo, "Export to CSV fails!");

        await page.GetByRole(AriaRole.Link, new() { Name = "Backlog", Exact = true }).Last.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}/backlog$"));
        await Expect(page.Locator("[data-state=open] .empty")).ToHaveTextAsync("Nothing open.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Promote blockers" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Blockers promoted: 2 new item(s), 0 with new reports.");
        var open = page.Locator("[data-state=open] article");
        await Expect(open.Locator("h3")).ToHaveTextAsync(["CSV export fails", "No dark mode"]);
        var csv = open.Filter(new() { HasText = "CSV export fails" });
        await Expect(csv.Locator("[data-field=links]")).ToHaveTextAsync("2 participant(s) · 2 feedback");

        await csv.GetByRole(AriaRole.Button, new() { Name = "Move “CSV export fails” to planned" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("“CSV export fails” is planned.");
        await page.Locator("[data-state=planned] article").GetByRole(AriaRole.Button, new() { Name = "Move “CSV export fails” to fixed" }).ClickAsync();
        var fixedCard = page.Locator("[data-state=fixed] article");
        await fixedCard.GetByRole(AriaRole.Button, new() { Name = "Move “CSV export fails” to shipped" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("required to ship");
        await Expect(fixedCard).ToHaveCountAsync(1);

        await fixedCard.GetByLabel("Release").FillAsync("2025.11.2");
        await fixedCard.GetByRole(AriaRole.Button, new() { Name = "Move “CSV export fails” to shipped" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("“CSV export fails” is shipped in 2025.11.2; its changelog entry is written.");
        var shipped = page.Locator("[data-state=shipped] article");
        await Expect(shipped.Locator("[data-field=release]")).ToHaveTextAsync("2025.11.2");
        await Expect(shipped.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        await page.GetByLabel("Release", new() { Exact = true }).Last.FillAsync("2025.11.2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show changelog" }).ClickAsync();
        var entry = page.GetByTestId("changelog").Locator("li");
        await Expect(entry).ToContainTextAsync("CSV export fails");
        await Expect(entry.Locator("[data-participant-id]")).ToHaveTextAsync(new[] { ana, bo }.Order().ToArray());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "backlog-board.png"), FullPage = true });

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Backlog", Exact = true }).ClickAsync();
        await page.GetByTestId("backlog-cohorts").GetByRole(AriaRole.Link, new() { Name = "Backlog board of Backlog pilot" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}/backlog$"));
        await page.Context.CloseAsync();
    }

    private async Task SubmitAsync(string participantId, params string[] blockers)
    {
        using var client = PilotdeckClient.Create(new PilotdeckClientOptions
        {
            ServerUrl = fixture.ApiAddress,
            Credentials = PilotdeckCredentials.Password(PortalFixture.AdminEmail, PortalFixture.Password),
        });
        await client.Feedback.SubmitFeedbackAsync(new SubmitFeedbackRequest
        {
            RequestId = Guid.NewGuid().ToString(), ParticipantId = participantId, Rating = 2, Sentiment = "negative", Blockers = { blockers },
        });
    }
}
