using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class SignInTests
{
    private readonly PortalFixture _fixture;

    public SignInTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task SignIn_WrongPassword_ShowsWrongEmailOrPassword()
    {
        var page = await _fixture.NewPageAsync();

        await PortalFixture.SignInAsync(page, PortalFixture.WrongPasswordEmail, "not-the-password-at-all");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong email or password.");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        // The form keeps the email for a retry but never echoes the password.
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync(PortalFixture.WrongPasswordEmail);
        await Expect(page.GetByLabel("Password")).ToHaveValueAsync("");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignIn_RepeatedFailures_LockTheAccount_WithTheSameAnswerAnUnknownEmailGets()
    {
        var page = await _fixture.NewPageAsync();

        for (var attempt = 1; attempt <= PortalFixture.MaxFailedAccessAttempts; attempt++)
        {
            await PortalFixture.SignInAsync(page, PortalFixture.LockoutEmail, $"wrong-password-{attempt}");
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong email or password");
        }

        await PortalFixture.SignInAsync(page, PortalFixture.LockoutEmail, PortalFixture.Password);
        var locked = await page.GetByRole(AriaRole.Alert).InnerTextAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));

        // The same number of failures for an email without an account: nothing tells the two apart.
        var stranger = $"nobody-{Guid.NewGuid():N}@portal.test";
        for (var attempt = 0; attempt <= PortalFixture.MaxFailedAccessAttempts; attempt++)
        {
            await PortalFixture.SignInAsync(page, stranger, $"wrong-password-{attempt}");
        }

        Assert.Contains("locked for a few minutes", locked, StringComparison.Ordinal);
        Assert.Equal(locked, await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ProtectedPage_Anonymous_RedirectsToSignInAndReturnsAfterwards()
    {
        var page = await _fixture.NewPageAsync();

        await page.GotoAsync("/admin/members");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl=%2Fadmin%2Fmembers"));
        await page.GetByLabel("Email").FillAsync(PortalFixture.AdminEmail);
        await page.GetByLabel("Password").FillAsync(PortalFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin/members$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignIn_MissingFields_ShowsValidationMessagesNextToFields()
    {
        var page = await _fixture.NewPageAsync();

        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("#email-error")).ToHaveTextAsync("Enter your email address.");
        await Expect(page.Locator("#password-error")).ToHaveTextAsync("Enter your password.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Home_SignedIn_ShowsCallerFromApiAndSignOutEndsSession()
    {
        var page = await _fixture.NewPageAsync();
        var before = await _fixture.SignInsOfAsync(PortalFixture.AdminEmail);

        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        await Expect(page.GetByTestId("caller-email")).ToHaveTextAsync(PortalFixture.AdminEmail);
        await Expect(page.GetByTestId("caller-tenant")).ToContainTextAsync("demo");
        await Expect(page.GetByTestId("caller-role")).ToHaveTextAsync("Owner");
        var signIn = Assert.Single((await _fixture.SignInsOfAsync(PortalFixture.AdminEmail)).Keys.Except(before.Keys));
        Assert.False((await _fixture.SignInsOfAsync(PortalFixture.AdminEmail))[signIn]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out.");
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        // Ended at the API too: the refresh token in the old cookie no longer works anywhere.
        Assert.True((await _fixture.SignInsOfAsync(PortalFixture.AdminEmail))[signIn]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Navigation_Viewer_HidesAdministrationAndApiRefusesAdminPages()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.ViewerEmail);
        await Expect(page.GetByTestId("caller-role")).ToHaveTextAsync("Viewer");

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "API clients" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "dbt Guardian" })).ToBeVisibleAsync();
        await page.GotoAsync("/admin/api-clients");

        // The portal hides the link, but the API is what refuses; its reason is shown.
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your role in this tenant does not allow this.");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ROLE_INSUFFICIENT");
        await page.Context.CloseAsync();
    }
}
