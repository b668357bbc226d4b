using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// A mistyped address answers 404 with a page that says so, signed in or not, instead of the browser's
/// own error; so does an address whose page is known but whose cohort, import or analysis is not.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class StatusPageTests
{
    private readonly PortalFixture _fixture;

    public StatusPageTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task UnknownAddress_SignedOut_IsNotFoundWithASignInLink()
    {
        var page = await _fixture.NewPageAsync();

        var response = await page.GotoAsync("/cohortz/fall-2025");

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
        await Expect(page.GetByTestId("status-page")).ToContainTextAsync("/cohortz/fall-2025");
        await Expect(page.GetByTestId("status-page").GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task UnknownAddress_SignedIn_KeepsTheNavigation()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        var response = await page.GotoAsync("/admin/no-such-page?tab=1");

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
        await page.GetByTestId("status-page").GetByRole(AriaRole.Link, new() { Name = "Cohorts" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/cohorts$"));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/cohorts/no-such-cohort", "Cohort 'no-such-cohort' was not found in this tenant.")]
    [InlineData("/imports/no-such-import", "Import 'no-such-import' was not found in this tenant.")]
    public async Task KnownPage_UnknownResource_IsNotFoundAndSaysWhich(string address, string saying)
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        var response = await page.GotoAsync(address);

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(saying);
        await page.Context.CloseAsync();
    }
}
