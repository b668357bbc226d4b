using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>
/// The /device page approving a device sign-in (RFC 8628) the way the CLI starts one: the device
/// asks the API for codes, a signed-in user enters the code and picks the tenant in the browser,
/// and the device's next poll gets tokens for that user in that tenant.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class DeviceSignInTests(PortalFixture fixture)
{
    private readonly HttpClient _http = new();

    [Fact]
    public async Task DevicePage_UserEntersCodeAndPicksTenant_DeviceGetsTokensForThatTenant()
    {
        var device = await PostAsync("/oauth2/device", new() { ["client_id"] = "pilotdeck-cli" });
        var userCode = device.Body.GetProperty("user_code").GetString()!;
        var deviceCode = device.Body.GetProperty("device_code").GetString()!;
        Assert.EndsWith("/device", device.Body.GetProperty("verification_uri").GetString());
        var pending = await PollAsync(deviceCode);
        Assert.Equal("authorization_pending", pending.Body.GetProperty("error").GetString());

        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.TwoTenantEmail);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.GotoAsync("/device");
        await page.GetByLabel("Code").FillAsync(userCode);
        await page.GetByLabel("Tenant for the CLI").SelectOptionAsync(PortalFixture.OtherTenantId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator("#device-approved")).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        var approved = await PollAsync(deviceCode);
        Assert.True(approved.Status == HttpStatusCode.OK, approved.Body.ToString());
        Assert.False(string.IsNullOrEmpty(approved.Body.GetProperty("refresh_token").GetString()));
        var claims = JsonDocument.Parse(Base64Url(approved.Body.GetProperty("access_token").GetString()!.Split('.')[1])).RootElement;
        Assert.Equal(PortalFixture.OtherTenantId, claims.GetProperty("tenant").GetString());
        // The code is used up: polling again gets no second set of tokens.
        Assert.NotEqual(HttpStatusCode.OK, (await PollAsync(deviceCode)).Status);
    }

    [Fact]
    public async Task DevicePage_WrongCode_ShowsTheApiReasonAndApprovesNothing()
    {
        var page = await fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        await page.GotoAsync("/device?user_code=WRONGCODE");
        await Expect(page.GetByLabel("Code")).ToHaveValueAsync("WRONGCODE");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        // The API's reason, next to the field.
        await Expect(page.Locator("#code-error")).ToHaveTextAsync("The user code is unknown, expired or already used.");
        await Expect(page.Locator("#device-approved")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PollAsync(string deviceCode) =>
        PostAsync("/oauth2/token", new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["device_code"] = deviceCode, ["client_id"] = "pilotdeck-cli",
        });

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.ApiAddress, path))
        {
            Content = new FormUrlEncodedContent(form),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string Base64Url(string part) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(part.Replace('-', '+').Replace('_', '/').PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=')));
}
