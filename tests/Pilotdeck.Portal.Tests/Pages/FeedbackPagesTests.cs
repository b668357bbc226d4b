using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Portal.Tests.Hosting;
using Pilotdeck.Server.Features.Feedback;
using Pilotdeck.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// Feedback in a real browser: a facilitator submits it from a participant's page (the API's
/// refusals shown at their fields), and the cohort's dashboard shows the totals, the trend, rating
/// and blocker charts with their numbers, the near-duplicate blockers grouped, the sentiment alert
/// and the latest feedback; the daily job's stored report is listed and drawn the same way; a viewer
/// reads it all without the form. Each test makes its own cohort.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class FeedbackPagesTests(PortalFixture fixture)
{
    [Fact]
    public async Task FeedbackNavigation_ListsTheCohorts_AndOpensACohortsDashboard()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Navigation pilot", "email", "en");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Feedback", Exact = true }).ClickAsync();

        await Expect(page.GetByTestId("feedback-totals")).ToContainTextAsync("across all cohorts");
        await page.GetByTestId("feedback-cohorts").GetByRole(AriaRole.Link, new() { Name = "Feedback dashboard of Navigation pilot" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}/feedback$"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Facilitator_SubmitsFromTheParticipantPage_AndTheDashboardChartsAndGroupsIt()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Feedback pilot", "email", "en");
        await CohortSteps.AddParticipantAsync(page, "Ana");
        await CohortSteps.AddParticipantAsync(page, "Bo");
        var roster = page.GetByTestId("roster");
        var ana = await roster.Locator("tr", new() { HasText = "Ana" }).GetAttributeAsync("data-participant-id");
        var bo = await roster.Locator("tr", new() { HasText = "Bo" }).GetAttributeAsync("data-participant-id");

        // No rating chosen and a blocker without letters: the API refuses both, each at its field; nothing is stored.
        await roster.GetByRole(AriaRole.Link, new() { Name = "Ana" }).ClickAsync();
        await page.GetByLabel("Sentiment", new() { Exact = true }).SelectOptionAsync("negative");
        await page.GetByLabel("Highlights", new() { Exact = true }).FillAsync("Quick onboarding");
        await page.GetByLabel("Blockers", new() { Exact = true }).FillAsync("CSV export fails\n\n???");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit feedback" }).ClickAsync();
        await Expect(page.Locator("#feedback-rating-error")).ToHaveTextAsync("Rating must be 1 to 5.");
        await Expect(page.Locator("#feedback-blockers-error")).ToHaveTextAsync("Blocker “???” must have letters or digits.");
        await Expect(page.GetByLabel("Blockers", new() { Exact = true })).ToHaveValueAsync("CSV export fails\n\n???");
        await Expect(page.GetByLabel("Sentiment", new() { Exact = true })).ToHaveValueAsync("negative");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "feedback-refused.png"), FullPage = true });

        await page.GetByLabel("Rating", new() { Exact = true }).SelectOptionAsync("2");
        await page.GetByLabel("Blockers", new() { Exact = true }).FillAsync("CSV export fails\nLogin is slow");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit feedback" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Feedback recorded: rating 2, negative, 2 blocker(s).");
        var given = page.GetByTestId("feedback").Locator("tbody tr");
        await Expect(given).ToHaveCountAsync(1);
        await Expect(given.Locator("[data-field=blockers] li")).ToHaveTextAsync(["CSV export fails", "Login is slow"]);
        await Expect(given.Locator("[data-field=highlights]")).ToHaveTextAsync("Quick onboarding");

        await page.GotoAsync($"/participants/{bo}");
        await page.GetByLabel("Rating", new() { Exact = true }).SelectOptionAsync("4");
        await page.GetByLabel("Sentiment", new() { Exact = true }).SelectOptionAsync("positive");
        await page.GetByLabel("Blockers", new() { Exact = true }).FillAsync("CSV exporrt fails");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit feedback" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Feedback recorded: rating 4, positive, 1 blocker(s).");

        // Three more through the API (a partner system's path): five in the window, three negative, so the alert is raised.
        await SubmitAsync(bo!, 1, "negative", "CSV export fails");
        await SubmitAsync(ana!, 2, "negative", "Login is slow");
        await SubmitAsync(bo!, 3, "neutral");
        await FirstFeedbackOneDayEarlierAsync(ana!);

        await page.GotoAsync($"/cohorts/{slug}");
        await page.Locator("#main").GetByRole(AriaRole.Link, new() { Name = "Feedback", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}/feedback$"));
        var totals = page.GetByTestId("feedback-totals");
        await Expect(totals.Locator("[data-total=count]")).ToHaveTextAsync("5");
        await Expect(totals.Locator("[data-total=average]")).ToHaveTextAsync("2.4");
        await Expect(totals.Locator("[data-total=negative-share]")).ToHaveTextAsync("60%");

        // Ratings 1, 2, 2, 3, 4: each column's count is written on it and in the chart's title.
        var ratings = page.GetByTestId("rating-chart");
        foreach (var (rating, count) in new[] { (1, "1"), (2, "2"), (3, "1"), (4, "1"), (5, "0") })
        {
            await Expect(ratings.Locator($"g[data-rating='{rating}'] .bar-count")).ToHaveTextAsync(count);
        }

        await Expect(ratings.Locator("title")).ToContainTextAsync("rating 2: 2");

        // Two days: yesterday Ana's first (negative), today one positive, one neutral, two negative.
        var trend = page.GetByTestId("sentiment-trend");
        await Expect(trend).ToHaveAttributeAsync("data-unit", "day");
        await Expect(trend.Locator("[data-series=negative] polyline")).ToHaveCountAsync(1);
        await Expect(trend.Locator("[data-series=negative] circle")).ToHaveCountAsync(2);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(trend.Locator("[data-series=negative] circle").Nth(1).Locator("title")).ToHaveTextAsync($"{today}: 2 negative");
        await Expect(trend.Locator("[data-series=positive] circle").Nth(1)).ToHaveAttributeAsync("data-count", "1");
        await Expect(trend.Locator("desc")).ToContainTextAsync($"Latest day, {today}: 1 positive, 1 neutral, 2 negative (50% negative).");
        await Expect(page.GetByTestId("trend-data").Locator("tbody tr")).ToHaveCountAsync(2);

        // The typo "CSV exporrt fails" joined "CSV export fails" by similarity: three reports by two people, the other wording shown.
        var blockerChart = page.GetByTestId("blocker-chart");
        await Expect(blockerChart.Locator(".blocker-bar").First.Locator("text").First).ToHaveTextAsync("CSV export fails");
        await Expect(blockerChart.Locator(".blocker-bar").First.Locator(".bar-count")).ToHaveTextAsync("3 · 2 participant(s)");
        var top = page.GetByTestId("blockers").Locator("tbody tr").First;
        await Expect(top.Locator("th")).ToHaveTextAsync("CSV export fails");
        await Expect(top.Locator("[data-field=count]")).ToHaveTextAsync("3");
        await Expect(top.Locator("[data-field=participants]")).ToHaveTextAsync("2");
        await Expect(top.Locator("[data-field=variants]")).ToHaveTextAsync("“CSV exporrt fails”");
        await Expect(page.GetByTestId("blockers").Locator("tbody tr").Nth(1).Locator("[data-field=count]")).ToHaveTextAsync("2");

        await Expect(page.GetByTestId("alert-standing")).ToContainTextAsync("60% of the feedback in 7 days was negative (3 of 5)");
        await Expect(page.GetByTestId("alerts").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("alerts").Locator("tbody tr[data-kind=raised]")).ToContainTextAsync("60%");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "feedback-dashboard.png"), FullPage = true });

        await Expect(page.GetByTestId("feedback").Locator("tbody tr")).ToHaveCountAsync(5);
        await page.GetByLabel("Sentiment", new() { Exact = true }).SelectOptionAsync("negative");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("sentiment=negative"));
        await Expect(page.GetByTestId("feedback").Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("feedback").Locator("tbody tr:not([data-sentiment=negative])")).ToHaveCountAsync(0);
        // Who said it, by the name the roster gives them (the id on hover, the link to their page).
        var said = await page.GetByTestId("feedback").Locator("[data-field=participant]").AllInnerTextsAsync();
        Assert.Equal(3, said.Count);
        Assert.All(said, name => Assert.Contains(name.Trim(), new[] { "Ana", "Bo" }));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task DailyReport_StoredByTheJob_IsListedAndDrawnAsOfThatRun_AndItsMessageLinksToIt()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(page, "Report pilot", "email", "en");
        await CohortSteps.AddParticipantAsync(page, "Ada");
        await CohortSteps.AddParticipantAsync(page, "Cy");
        var roster = page.GetByTestId("roster");
        var ada = await roster.Locator("tr", new() { HasText = "Ada" }).GetAttributeAsync("data-participant-id");
        var cy = await roster.Locator("tr", new() { HasText = "Cy" }).GetAttributeAsync("data-participant-id");
        // The job reports on recruiting and running cohorts only.
        await page.GetByRole(AriaRole.Button, new() { Name = "Move to recruiting" }).ClickAsync();
        await Expect(page.GetByTestId("cohort-state")).ToHaveTextAsync("recruiting");
        await SubmitAsync(ada!, 5, "positive");
        await SubmitAsync(cy!, 2, "negative", "Export fails");
        await SubmitAsync(cy!, 1, "negative", "Export fails", "Login is slow");

        await JobWaits.FireAndWaitAsync(fixture.ServerServices, FeedbackReports.JobId);
        // Given after the run: the live dashboard counts it, the stored report does not.
        await SubmitAsync(ada!, 4, "positive");

        await page.GotoAsync($"/cohorts/{slug}/feedback");
        await Expect(page.GetByTestId("feedback-totals").Locator("[data-total=count]")).ToHaveTextAsync("4");
        await page.GetByRole(AriaRole.Link, new() { Name = "Daily reports" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}/feedback/reports$"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var stored = page.GetByTestId("feedback-reports").Locator("tbody tr");
        await Expect(stored).ToHaveCountAsync(1);
        await Expect(stored).ToHaveAttributeAsync("data-date", today);
        await Expect(stored.Locator("[data-field=total]")).ToHaveTextAsync("3");
        await Expect(stored.Locator("[data-field=average]")).ToHaveTextAsync("2.7");

        await stored.GetByRole(AriaRole.Link, new() { Name = today }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/cohorts/{slug}/feedback/reports/{today}$"));
        await ExpectReportOfTheRunAsync(page, today);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "feedback-report.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "Live dashboard" }).ClickAsync();
        await Expect(page.GetByTestId("feedback-totals").Locator("[data-total=count]")).ToHaveTextAsync("4");

        // What the job told the team's channel links to that same page.
        await using (var scope = fixture.ServerServices.CreateTenantScope(DemoSeeder.TenantId))
        {
            var message = await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().OutboxMessages.SingleAsync(m => m.DedupeKey == $"feedback-report:{slug}:{today}");
            var link = Regex.Match(message.Body, $@"https?://[^/\s]+(/cohorts/{slug}/feedback/reports/{today}) ");
            Assert.True(link.Success, message.Body);
            await page.GotoAsync(link.Groups[1].Value);
        }

        await ExpectReportOfTheRunAsync(page, today);
        await page.Context.CloseAsync();
    }

    /// <summary>The stored report's figures: ratings 5, 2 and 1; two negative; "Export fails" twice by one participant.</summary>
    private static async Task ExpectReportOfTheRunAsync(IPage page, string today)
    {
        await Expect(page.GetByTestId("report-as-of")).ToContainTextAsync($"stored it on {today}");
        var totals = page.GetByTestId("feedback-totals");
        await Expect(totals.Locator("[data-total=count]")).ToHaveTextAsync("3");
        await Expect(totals.Locator("[data-total=average]")).ToHaveTextAsync("2.7");
        await Expect(totals.Locator("[data-total=negative-share]")).ToHaveTextAsync("67%");
        var ratings = page.GetByTestId("rating-chart");
        foreach (var (rating, count) in new[] { (1, "1"), (2, "1"), (3, "0"), (4, "0"), (5, "1") })
        {
            await Expect(ratings.Locator($"g[data-rating='{rating}'] .bar-count")).ToHaveTextAsync(count);
        }

        await Expect(page.GetByTestId("sentiment-trend").Locator("[data-series=negative] circle")).ToHaveAttributeAsync("data-count", "2");
        var top = page.GetByTestId("blockers").Locator("tbody tr").First;
        await Expect(top.Locator("th")).ToHaveTextAsync("Export fails");
        await Expect(top.Locator("[data-field=count]")).ToHaveTextAsync("2");
        await Expect(top.Locator("[data-field=participants]")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Viewer_SeesTheDashboardAndFeedback_ButNoSubmitForm()
    {
        var admin = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(admin, PortalFixture.AdminEmail);
        var slug = await CohortSteps.CreateCohortAsync(admin, "Viewer feedback pilot", "email", "en");
        await CohortSteps.AddParticipantAsync(admin, "Kai");
        var kai = await admin.GetByTestId("roster").Locator("tr", new() { HasText = "Kai" }).GetAttributeAsync("data-participant-id");
        await admin.Context.CloseAsync();
        await SubmitAsync(kai!, 5, "positive", "Needs dark mode");

        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.ViewerEmail);
        await page.GotoAsync("/cohorts");
        await page.GetByRole(AriaRole.Link, new() { Name = "Feedback of Viewer feedback pilot" }).ClickAsync();
        await Expect(page.GetByTestId("feedback-totals").Locator("[data-total=count]")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("rating-chart").Locator("g[data-rating='5'] .bar-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("blockers").Locator("tbody th")).ToHaveTextAsync("Needs dark mode");
        await Expect(page.GetByText("No alerts")).ToBeVisibleAsync();

        await page.GotoAsync($"/participants/{kai}");
        await Expect(page.GetByTestId("feedback").Locator("tbody tr [data-field=rating]")).ToHaveTextAsync("5");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Feedback", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Submit feedback" })).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Blockers", new() { Exact = true })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    private async Task SubmitAsync(string participantId, int rating, string sentiment, params string[] blockers)
    {
        using var client = PilotdeckClient.Create(new PilotdeckClientOptions
        {
            ServerUrl = fixture.ApiAddress,
            Credentials = PilotdeckCredentials.Password(PortalFixture.AdminEmail, PortalFixture.Password),
        });
        await client.Feedback.SubmitFeedbackAsync(new SubmitFeedbackRequest
        {
            RequestId = Guid.NewGuid().ToString(), ParticipantId = participantId, Rating = rating, Sentiment = sentiment, Blockers = { blockers },
        });
    }

    /// <summary>Moves the participant's oldest feedback to the day before, so the trend has two days.</summary>
    private async Task FirstFeedbackOneDayEarlierAsync(string participantId)
    {
        await using var scope = fixture.ServerServices.CreateTenantScope(DemoSeeder.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        // Ordered here: SQLite cannot order by a DateTimeOffset column.
        var first = (await db.Feedback.Where(f => f.ParticipantId == participantId).Select(f => new { f.Id, f.CohortId, f.CreatedAt }).ToListAsync()).MinBy(f => f.CreatedAt)!;
        var then = DateTimeOffset.UtcNow.AddDays(-1);
        await db.Feedback.Where(f => f.Id == first.Id).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.CreatedAt, then).SetProperty(f => f.CreatedOn, DateOnly.FromDateTime(then.UtcDateTime)));
        // Feedback never changes its day in the product, so its kept counts do not follow such an edit: count them again.
        await FeedbackRecount.RebuildAsync(db, first.CohortId);
    }
}
