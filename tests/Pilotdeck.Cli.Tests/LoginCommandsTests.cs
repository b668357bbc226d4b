using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data.Identity;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

public sealed class LoginCommandsTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    [Fact]
    public async Task Login_ApiClient_SavesTheSecretReadableByTheOwnerOnly()
    {
        using var cli = new CliRunner(Host.Address);

        var login = await cli.RunAsync("login", "--client-id", Host.ClientId, "--client-secret", Host.ClientSecret);

        Assert.True(login.Exit == 0, login.ToString());
        Assert.Contains($"as {Host.ClientId} (tenant demo)", login.Err);
        using var profiles = JsonDocument.Parse(File.ReadAllText(cli.ProfilesPath));
        var profile = profiles.RootElement.GetProperty("profiles").GetProperty("default");
        Assert.Equal("client", profile.GetProperty("kind").GetString());
        Assert.Equal(Host.ClientSecret, profile.GetProperty("client_secret").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ProfilesPath));
        }
    }

    [Fact]
    public async Task Login_User_SavesARefreshTokenAndNeverThePassword()
    {
        using var cli = new CliRunner(Host.Address);

        var login = await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword, "--profile", "owner", "--output", "json");

        Assert.True(login.Exit == 0, login.ToString());
        using var caller = JsonDocument.Parse(login.Out);
        Assert.Equal("owner", caller.RootElement.GetProperty("role").GetString());
        var text = File.ReadAllText(cli.ProfilesPath);
        Assert.DoesNotContain(PilotdeckTestHost.OwnerPassword, text);
        using var profiles = JsonDocument.Parse(text);
        var profile = profiles.RootElement.GetProperty("profiles").GetProperty("owner");
        Assert.False(string.IsNullOrEmpty(profile.GetProperty("refresh_token").GetString()));
        Assert.Equal(PilotdeckTestHost.OwnerEmail, profile.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Whoami_AfterRefresh_SavesTheRotatedRefreshToken()
    {
        using var cli = new CliRunner(Host.Address);
        Assert.Equal(0, (await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword)).Exit);
        // Pretend the saved access token is about to expire, so the next command must refresh.
        var original = File.ReadAllText(cli.ProfilesPath);
        var refreshToken = JsonDocument.Parse(original).RootElement.GetProperty("profiles").GetProperty("default").GetProperty("refresh_token").GetString()!;
        File.WriteAllText(cli.ProfilesPath, System.Text.RegularExpressions.Regex.Replace(original, "\"access_token_expires_at\": \"[^\"]+\"", "\"access_token_expires_at\": \"2000-01-01T00:00:00+00:00\""));

        var first = await cli.RunAsync("whoami");
        var second = await cli.RunAsync("whoami");

        Assert.True(first.Exit == 0, first.ToString());
        // Refresh tokens are single-use: had the rotated one not been saved, this second run would fail.
        Assert.True(second.Exit == 0, second.ToString());
        Assert.DoesNotContain(refreshToken, File.ReadAllText(cli.ProfilesPath));
    }

    [Fact]
    public async Task Login_WrongPassword_ExitsUnauthenticatedWithAdvice()
    {
        using var cli = new CliRunner(Host.Address);

        var login = await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", "wrong-password");

        Assert.Equal(16, login.Exit);
        Assert.Contains("login refused (invalid_grant)", login.Err);
        Assert.Contains("hint: Wrong email or password", login.Err);
        Assert.False(File.Exists(cli.ProfilesPath));
    }

    [Fact]
    public async Task Login_NoSecretAndNoTerminal_IsAUsageError()
    {
        using var cli = new CliRunner(Host.Address);

        var login = await cli.RunAsync("login", "--client-id", Host.ClientId);

        Assert.Equal(1, login.Exit);
        Assert.Contains("--client-secret is required when stdin is not a terminal", login.Err);
    }

    [Fact]
    public async Task Login_BothUserAndClient_IsAUsageError()
    {
        using var cli = new CliRunner(Host.Address);

        var login = await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--client-id", Host.ClientId);

        Assert.Equal(1, login.Exit);
        Assert.Contains("Give either --email (a user) or --client-id (an API client)", login.Err);
    }

    [Fact]
    public async Task Whoami_NotLoggedIn_ExitsUnauthenticatedAndSaysToLogIn()
    {
        using var cli = new CliRunner(Host.Address);

        var whoami = await cli.RunAsync("whoami", "--profile", "nobody");

        Assert.Equal(16, whoami.Exit);
        Assert.Contains("there is no profile 'nobody'", whoami.Err);
        Assert.Contains("hint: Run `pilotdeck login", whoami.Err);
    }

    [Fact]
    public async Task Whoami_SpentRefreshToken_SaysToLogInAgain()
    {
        using var cli = new CliRunner(Host.Address);
        Directory.CreateDirectory(Path.GetDirectoryName(cli.ProfilesPath)!);
        File.WriteAllText(cli.ProfilesPath, $$"""
            { "profiles": { "default": { "server": "{{Host.Address}}", "kind": "user", "refresh_token": "pdr_spent" } } }
            """);

        var whoami = await cli.RunAsync("whoami");

        Assert.Equal(16, whoami.Exit);
        Assert.Contains("invalid_grant", whoami.Err);
        Assert.Contains("run `pilotdeck login` again", whoami.Err);
    }

    [Fact]
    public async Task Logout_SavedProfile_RemovesIt()
    {
        using var cli = new CliRunner(Host.Address);
        Assert.Equal(0, (await cli.RunAsync("login", "--client-id", Host.ClientId, "--client-secret", Host.ClientSecret)).Exit);

        var logout = await cli.RunAsync("logout");
        var whoami = await cli.RunAsync("whoami");

        Assert.Equal(0, logout.Exit);
        Assert.Equal(16, whoami.Exit);
        Assert.DoesNotContain(Host.ClientSecret, File.ReadAllText(cli.ProfilesPath));
    }

    [Fact]
    public async Task Logout_User_EndsTheSignInAtTheServer()
    {
        using var cli = new CliRunner(Host.Address);
        Assert.Equal(0, (await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword)).Exit);
        var refreshToken = JsonDocument.Parse(File.ReadAllText(cli.ProfilesPath)).RootElement
            .GetProperty("profiles").GetProperty("default").GetProperty("refresh_token").GetString()!;

        var logout = await cli.RunAsync("logout");

        Assert.True(logout.Exit == 0, logout.ToString());
        Assert.Contains("The sign-in is ended at the server.", logout.Out);
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var refused = await http.PostAsync(new Uri(Host.Address, "/oauth2/token"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("invalid_grant", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Logout_ServerUnreachable_WarnsAndStillForgetsTheLogin()
    {
        using var cli = new CliRunner(Host.Address);
        Assert.Equal(0, (await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword)).Exit);

        var logout = await cli.RunAsync("logout", "--server", "http://127.0.0.1:9");

        Assert.True(logout.Exit == 0, logout.ToString());
        Assert.Contains("warning: could not end the sign-in at the server", logout.Err);
        Assert.DoesNotContain("refresh_token", File.ReadAllText(cli.ProfilesPath));
    }
}
