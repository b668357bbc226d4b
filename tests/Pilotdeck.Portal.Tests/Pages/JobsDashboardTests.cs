using System.Net;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>Hangfire's dashboard at /jobs: installation operators reach it from the menu, everyone else is refused; a malformed form is a 400.</summary>
[Collection(PortalCollection.Name)]
public sealed class JobsDashboardTests
{
    private readonly PortalFixture _fixture;

    public JobsDashboardTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task JobsDashboard_InstallationOperator_OpensFromMenu()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.OperatorEmail);

        await page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/jobs/?$"));
        await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Pilotdeck jobs"));
        // Hangfire's own pages, listing the recurring jobs the host registered at start.
        await page.GotoAsync("/jobs/recurring");
        await Expect(page.GetByText("prune-tokens", new() { Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task JobsDashboard_PlainTenantAdmin_HasNoLinkAndIsForbidden()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeVisibleAsync();

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true })).ToHaveCountAsync(0);
        // With the browser's sign-in cookie; Hangfire answers 403 with no body, which chromium will not render.
        foreach (var path in new[] { "/jobs", "/jobs/recurring", "/jobs/stats" })
        {
            var response = await page.Context.APIRequest.GetAsync(path, new() { MaxRedirects = 0 });
            Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task JobsDashboard_Anonymous_IsSentToSignIn()
    {
        var page = await _fixture.NewPageAsync();

        await page.GotoAsync("/jobs");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?returnUrl=%2Fjobs"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task JobsDashboard_FormPastTheFormLimits_IsABadRequestNotAServerError()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.OperatorEmail);

        // What the dashboard's "Requeue" button posts, with a field name over the 2,048-character limit.
        var response = await page.Context.APIRequest.PostAsync("/jobs/jobs/failed/requeue", new()
        {
            Headers = new Dictionary<string, string> { ["content-type"] = "application/x-www-form-urlencoded" },
            Data = new string('k', 5_000) + "=1",
            MaxRedirects = 0,
        });

        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        await page.Context.CloseAsync();
    }
}
