using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class ApiClientsTests
{
    private readonly PortalFixture _fixture;

    public ApiClientsTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ApiClients_CreateListRevokeSignOut_SecretShownOnlyOnce()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var name = "CRM nightly sync " + Guid.NewGuid().ToString("N")[..6];

        await page.GetByRole(AriaRole.Link, new() { Name = "API clients" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create API client" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("identity.read").CheckAsync();
        await page.GetByLabel("Lifetime (days)").FillAsync("90");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API client" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/admin/api-clients/secret$"));
        await Expect(page.GetByText("Copy the secret now. It will not be shown again.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "api-client-secret.png"), FullPage = true });
        var clientId = await page.GetByTestId("client-id").TextContentAsync();
        var secret = await page.GetByTestId("client-secret").InputValueAsync();
        Assert.False(string.IsNullOrWhiteSpace(clientId));
        Assert.True(secret.Length >= 20, $"secret '{secret}' looks too short");

        // The page's first call, run as a partner pastes it: curl and jq against the real API.
        var firstCall = await page.GetByTestId("first-call").InputValueAsync();
        Assert.Contains(secret, firstCall, StringComparison.Ordinal);
        var (exit, output) = await RunShellAsync(firstCall);
        Assert.True(exit == 0, output);
        Assert.Contains($"\"subject\":\"{clientId}\"", output, StringComparison.Ordinal);

        // Once: a reload finds nothing, and the list never carries it.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("secret-gone")).ToBeVisibleAsync();
        Assert.DoesNotContain(secret, await page.ContentAsync());
        await page.GotoAsync("/admin/api-clients");
        var row = page.Locator($"tr[data-client-id='{clientId}']");
        await Expect(row).ToContainTextAsync(name);
        await Expect(row).ToContainTextAsync("identity.read");
        await Expect(row).ToContainTextAsync("Active");
        Assert.DoesNotContain(secret, await page.ContentAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "api-clients.png"), FullPage = true });

        await row.GetByRole(AriaRole.Link, new() { Name = $"Revoke {name}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke API client" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{name} was revoked");
        await Expect(page.Locator($"tr[data-client-id='{clientId}']")).ToHaveCountAsync(0);
        await page.GetByLabel("Show revoked clients").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator($"tr[data-client-id='{clientId}']")).ToContainTextAsync("Revoked");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await page.GotoAsync("/admin/api-clients");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl="));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ApiClients_Rotate_ShowsNewSecretOnce()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var (clientId, firstSecret) = await CreateClientAsync(page, "Rotating " + Guid.NewGuid().ToString("N")[..6]);

        await page.GotoAsync($"/admin/api-clients/{clientId}/rotate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();

        await Expect(page.GetByText("The previous secret has stopped working.")).ToBeVisibleAsync();
        var secondSecret = await page.GetByTestId("client-secret").InputValueAsync();
        Assert.NotEqual(firstSecret, secondSecret);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("secret-gone")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ApiClients_LifetimeOutOfRange_ShowsApiViolationNextToField()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);

        await page.GotoAsync("/admin/api-clients/create");
        await page.GetByLabel("Name").FillAsync("Too long-lived");
        await page.GetByLabel("Lifetime (days)").FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API client" }).ClickAsync();

        await Expect(page.Locator("#lifetime-error")).ToHaveTextAsync("Lifetime must be between 0 (never expires) and 3650.");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("FIELD_INVALID");
        // What was typed stays, so only the wrong field needs fixing.
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("Too long-lived");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ApiClients_MoreThanOnePage_PagerWalksEveryClient()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var prefix = "Paged " + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 3; i++)
        {
            await CreateClientAsync(page, $"{prefix} {i}");
        }

        await page.GotoAsync("/admin/api-clients?size=2");
        var seen = new List<string>();
        do
        {
            seen.AddRange(await page.Locator("tbody th[scope=row]").AllTextContentsAsync());
        }
        while (await PortalFixture.NextPageAsync(page));

        Assert.Equal(3, seen.Count(n => n.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(seen.Count, seen.Distinct().Count());
        await page.Context.CloseAsync();
    }

    private static async Task<(int Exit, string Output)> RunShellAsync(string script)
    {
        using var shell = Process.Start(new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var (stdout, stderr) = (shell.StandardOutput.ReadToEndAsync(), shell.StandardError.ReadToEndAsync());
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (shell.ExitCode, await stdout + await stderr);
    }

    private static async Task<(string ClientId, string Secret)> CreateClientAsync(IPage page, string name)
    {
        await page.GotoAsync("/admin/api-clients/create");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("identity.read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API client" }).ClickAsync();
        await Expect(page.GetByTestId("client-secret")).ToBeVisibleAsync();
        return ((await page.GetByTestId("client-id").TextContentAsync())!, await page.GetByTestId("client-secret").InputValueAsync());
    }
}
