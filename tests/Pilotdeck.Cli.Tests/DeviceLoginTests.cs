using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

/// <summary>
/// <c>pilotdeck login</c> by device code (RFC 8628) against the real host: the CLI prints the
/// portal page and a code, a signed-in user approves it through the endpoint the portal page posts
/// to, and the CLI ends up with a user login; <c>logout</c> ends that sign-in at the server.
/// </summary>
public sealed partial class DeviceLoginTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private readonly HttpClient _http = new();

    private PilotdeckTestHost Host => fixture.Host;

    [Fact]
    public async Task Login_DeviceCodeApprovedByOwner_SavesUserLoginAndLogoutEndsIt()
    {
        using var cli = new CliRunner(Host.Address);
        var login = cli.RunAsync("login");
        var (page, userCode) = await PromptOfAsync(cli, login);
        Assert.EndsWith("/device", page);

        var (approved, body) = await ApproveAsync(await OwnerTokenAsync(), userCode, "demo");
        var result = await login;

        Assert.True(approved == HttpStatusCode.OK, body);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains($"as {PilotdeckTestHost.OwnerEmail} (tenant demo)", result.Err);
        var profile = JsonDocument.Parse(File.ReadAllText(cli.ProfilesPath)).RootElement.GetProperty("profiles").GetProperty("default");
        Assert.Equal("user", profile.GetProperty("kind").GetString());
        Assert.Equal("pilotdeck-cli", profile.GetProperty("client_id").GetString());
        var refreshToken = profile.GetProperty("refresh_token").GetString()!;

        var whoami = await cli.RunAsync("whoami");
        Assert.True(whoami.Exit == 0, whoami.ToString());
        Assert.Contains(PilotdeckTestHost.OwnerEmail, whoami.Out);

        var logout = await cli.RunAsync("logout");
        Assert.Contains("The sign-in is ended at the server.", logout.Out);
        var (refreshStatus, refused) = await PostAsync("/oauth2/token", null,
            new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_id"] = "pilotdeck-cli" });
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        Assert.Contains("invalid_grant", refused);
    }

    [Fact]
    public async Task Approve_WithApiClientTokenOrUnknownCode_IsRefusedAndTheCliIsNotLoggedIn()
    {
        using var cli = new CliRunner(Host.Address);
        var login = cli.RunAsync("login");
        var (_, userCode) = await PromptOfAsync(cli, login);

        var (byClient, _) = await ApproveAsync(await ClientTokenAsync(), userCode, "demo");
        var (unknownCode, _) = await ApproveAsync(await OwnerTokenAsync(), "NOTACODE1", "demo");
        var (otherTenant, _) = await ApproveAsync(await OwnerTokenAsync(), userCode, "acme-not-mine");

        Assert.Equal(HttpStatusCode.Unauthorized, byClient);
        Assert.Equal(HttpStatusCode.BadRequest, unknownCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherTenant);
        Assert.False(login.IsCompleted);
        // Approving it properly still works: the refusals changed nothing.
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(await OwnerTokenAsync(), userCode, "demo")).Status);
        Assert.Equal(0, (await login).Exit);
    }

    private static async Task<(string Page, string UserCode)> PromptOfAsync(CliRunner cli, Task<CliResult> login)
    {
        for (var waited = 0; waited < 300; waited++)
        {
            if (Prompt().Match(cli.ErrorSoFar()) is { Success: true } match)
            {
                return (match.Groups["page"].Value, match.Groups["code"].Value);
            }

            Assert.False(login.IsCompleted, login.IsCompleted ? (await login).ToString() : "");
            await Task.Delay(100);
        }

        throw new TimeoutException("The CLI printed no verification URL and code: " + cli.ErrorSoFar());
    }

    private Task<(HttpStatusCode Status, string Body)> ApproveAsync(string bearer, string userCode, string tenant) =>
        PostAsync("/oauth2/device/verify", bearer, new() { ["user_code"] = userCode, ["tenant"] = tenant });

    private async Task<string> OwnerTokenAsync() =>
        await TokenAsync(new() { ["grant_type"] = "password", ["username"] = PilotdeckTestHost.OwnerEmail, ["password"] = PilotdeckTestHost.OwnerPassword });

    private async Task<string> ClientTokenAsync() =>
        await TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = Host.ClientId, ["client_secret"] = Host.ClientSecret });

    private async Task<string> TokenAsync(Dictionary<string, string> form)
    {
        var (status, body) = await PostAsync("/oauth2/token", null, form);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string? bearer, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Host.Address, path)) 
        {
            Content = new FormUrlEncodedContent(form),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"open (?<page>\S+) and enter the code (?<code>\S+)")]
    private static partial Regex Prompt();
}
