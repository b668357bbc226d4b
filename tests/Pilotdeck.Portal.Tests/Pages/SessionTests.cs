using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Portal.Infrastructure;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class SessionTests
{
    private readonly PortalFixture _fixture;

    public SessionTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task TenantSwitcher_OtherTenant_AsksForPasswordThenActsInThatTenant()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.TwoTenantEmail, tenant: "demo");
        await Expect(page.GetByTestId("caller-tenant")).ToContainTextAsync("demo");
        await Expect(page.GetByTestId("caller-role")).ToHaveTextAsync("Facilitator");

        await page.GetByLabel("Tenant", new() { Exact = true }).SelectOptionAsync(PortalFixture.OtherTenantId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Enter your password to switch to {PortalFixture.OtherTenantName}.");
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync(PortalFixture.TwoTenantEmail);
        await Expect(page.GetByLabel("Tenant ID (optional)")).ToHaveValueAsync(PortalFixture.OtherTenantId);
        await page.GetByLabel("Password").FillAsync(PortalFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByTestId("caller-tenant")).ToContainTextAsync(PortalFixture.OtherTenantName);
        await Expect(page.GetByTestId("caller-role")).ToHaveTextAsync("Admin");
        await Expect(page.GetByLabel("Tenant", new() { Exact = true })).ToHaveValueAsync(PortalFixture.OtherTenantId);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Session_AccessTokenNearExpiry_RefreshedTokensPersistInCookie()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await Expect(page.GetByTestId("caller-email")).ToHaveTextAsync(PortalFixture.AdminEmail);
        var signedIn = await SessionCookieAsync(page);

        // Past half the token's life the SDK renews it; refresh tokens are single-use, so the second
        // renewal only succeeds if the portal stored the first renewal's refresh token in the cookie.
        var halfLife = PortalFixture.AccessTokenLifetime / 2 + TimeSpan.FromSeconds(1);
        await Task.Delay(halfLife);
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("caller-email")).ToHaveTextAsync(PortalFixture.AdminEmail);
        var afterFirstRefresh = await SessionCookieAsync(page);
        Assert.NotEqual(signedIn, afterFirstRefresh);

        await Task.Delay(halfLife);
        await page.GotoAsync("/admin/members");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members", Exact = true })).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/members$"));
        Assert.NotEqual(afterFirstRefresh, await SessionCookieAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Session_TamperedCookie_TreatedAsSignedOut()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await Expect(page.GetByTestId("caller-email")).ToHaveTextAsync(PortalFixture.AdminEmail);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == PortalAuthentication.CookieName);

        // The ticket is encrypted and authenticated by data protection; any change voids it.
        await page.Context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = "X" + cookie.Value[1..], Domain = cookie.Domain, Path = cookie.Path }]);
        await page.GotoAsync("/");

        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await page.Context.CloseAsync();
    }

    private static async Task<string> SessionCookieAsync(IPage page) =>
        (await page.Context.CookiesAsync()).Single(c => c.Name == PortalAuthentication.CookieName).Value;
}
