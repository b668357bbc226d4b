using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>On a phone-sized screen a page starts on the first screen: the navigation does not push it below.</summary>
[Collection(PortalCollection.Name)]
public sealed class PhoneLayoutTests
{
    private readonly PortalFixture _fixture;

    public PhoneLayoutTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task OnAPhone_ThePagesHeadingIsOnTheFirstScreen_AndEveryNavigationLinkStaysReachable()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await page.SetViewportSizeAsync(390, 844);

        await page.GotoAsync("/cohorts");

        var heading = await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).BoundingBoxAsync();
        Assert.NotNull(heading);
        Assert.True(heading.Y + heading.Height < 844, $"the heading ends at y={heading.Y + heading.Height}, below the first screen");
        var notifications = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Notifications" });
        await notifications.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/notifications$"));
        await page.Context.CloseAsync();
    }
}
