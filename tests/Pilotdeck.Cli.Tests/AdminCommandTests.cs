using System.Text.Json;
using Pilotdeck.Data.Identity;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

public sealed class AdminCommandTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    private PilotdeckTestHost Host => fixture.Host;

    private async Task<CliRunner> LoggedInAsOwnerAsync()
    {
        var cli = new CliRunner(Host.Address);
        var login = await cli.RunAsync("login", "--email", PilotdeckTestHost.OwnerEmail, "--password", PilotdeckTestHost.OwnerPassword);
        Assert.True(login.Exit == 0, login.ToString());
        return cli;
    }

    [Fact]
    public async Task ClientsCreate_ThenMembersListAsJson_ShowsTheSecretOnceAndTheMembers()
    {
        using var cli = await LoggedInAsOwnerAsync();

        var create = await cli.RunAsync("admin", "clients", "create", "crm-sync", "--scope", "identity.read", "--output", "json");
        var members = await cli.RunAsync("admin", "members", "list", "--output", "json");

        Assert.True(create.Exit == 0, create.ToString());
        using var created = JsonDocument.Parse(create.Out);
        Assert.Equal("crm-sync", created.RootElement.GetProperty("name").GetString());
        Assert.StartsWith("pds_", created.RootElement.GetProperty("client_secret").GetString());
        Assert.Equal(["identity.read"], created.RootElement.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains("warning: the client secret is shown only this once", create.Err);

        Assert.True(members.Exit == 0, members.ToString());
        using var list = JsonDocument.Parse(members.Out);
        var owner = Assert.Single(list.RootElement.EnumerateArray(), m => m.GetProperty("email").GetString() == PilotdeckTestHost.OwnerEmail);
        Assert.Equal("owner", owner.GetProperty("role").GetString());
        Assert.False(owner.GetProperty("disabled").GetBoolean());
        Assert.Contains(list.RootElement.EnumerateArray(), m => m.GetProperty("email").GetString() == DemoSeeder.AdminEmail);

        // The new client can sign in with the printed secret.
        using var asClient = new CliRunner(Host.Address);
        var clientLogin = await asClient.RunAsync("login", "--client-id", created.RootElement.GetProperty("client_id").GetString()!,
            "--client-secret", created.RootElement.GetProperty("client_secret").GetString()!, "--output", "json");
        Assert.True(clientLogin.Exit == 0, clientLogin.ToString());
        Assert.Equal("api_client", JsonDocument.Parse(clientLogin.Out).RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Members_AddSetRoleRemoveByEmail_ChangesTheTenant()
    {
        using var cli = await LoggedInAsOwnerAsync();
        var email = $"analyst-{Guid.NewGuid():N}@demo.test";

        var add = await cli.RunAsync("admin", "members", "add", email, "--role", "viewer", "--initial-password", "Another-Long-Passphrase-7");
        var setRole = await cli.RunAsync("admin", "members", "set-role", email, "--role", "analyst", "--output", "json");
        var analysts = await cli.RunAsync("admin", "members", "list", "--role", "analyst", "--output", "markdown");
        var remove = await cli.RunAsync("admin", "members", "remove", email);
        var after = await cli.RunAsync("admin", "members", "list");

        Assert.True(add.Exit == 0, add.ToString());
        Assert.Contains(email, add.Out);
        Assert.True(setRole.Exit == 0, setRole.ToString());
        Assert.Equal("analyst", JsonDocument.Parse(setRole.Out).RootElement.GetProperty("role").GetString());
        Assert.StartsWith("| user_id | email | role | disabled | create_time |", analysts.Out);
        Assert.Contains($"| {email} | analyst | no |", analysts.Out);
        Assert.True(remove.Exit == 0, remove.ToString());
        Assert.StartsWith("USER_ID", after.Out);
        Assert.DoesNotContain(email, after.Out);
    }

    [Fact]
    public async Task Clients_RotateThenRevoke_OldSecretStopsWorking()
    {
        using var cli = await LoggedInAsOwnerAsync();
        using var created = JsonDocument.Parse((await cli.RunAsync("admin", "clients", "create", "rotating", "--output", "json")).Out);
        var clientId = created.RootElement.GetProperty("client_id").GetString()!;

        var rotate = await cli.RunAsync("admin", "clients", "rotate", clientId, "--output", "json");
        using var oldSecret = new CliRunner(Host.Address);
        var oldLogin = await oldSecret.RunAsync("login", "--client-id", clientId, "--client-secret", created.RootElement.GetProperty("client_secret").GetString()!);
        var revoke = await cli.RunAsync("admin", "clients", "revoke", clientId, "--output", "json");
        var listed = await cli.RunAsync("admin", "clients", "list", "--show-revoked", "--output", "json");

        Assert.True(rotate.Exit == 0, rotate.ToString());
        Assert.NotEqual(created.RootElement.GetProperty("client_secret").GetString(), JsonDocument.Parse(rotate.Out).RootElement.GetProperty("client_secret").GetString());
        Assert.Equal(16, oldLogin.Exit);
        Assert.Contains("invalid_client", oldLogin.Err);
        Assert.True(revoke.Exit == 0, revoke.ToString());
        var entry = Assert.Single(JsonDocument.Parse(listed.Out).RootElement.EnumerateArray(), c => c.GetProperty("client_id").GetString() == clientId);
        Assert.Equal(JsonValueKind.String, entry.GetProperty("revoke_time").ValueKind);
    }

    [Fact]
    public async Task ClientsList_AsViewer_ExitsPermissionDeniedWithAdvice()
    {
        var email = $"viewer-{Guid.NewGuid():N}@demo.test";
        await Host.AddMemberAsync(email, "Viewer-Passphrase-1234", MemberRole.Viewer);
        using var cli = new CliRunner(Host.Address);
        Assert.Equal(0, (await cli.RunAsync("login", "--email", email, "--password", "Viewer-Passphrase-1234")).Exit);

        var list = await cli.RunAsync("admin", "clients", "list");

        Assert.Equal(7, list.Exit);
        Assert.Contains("error: PERMISSION_DENIED (ROLE_INSUFFICIENT)", list.Err);
        Assert.Contains("hint: Your role is too low for this (it needs Admin)", list.Err);
        Assert.Equal("", list.Out);
    }

    [Fact]
    public async Task MembersAdd_InvalidEmail_ListsTheFieldAndExitsInvalidArgument()
    {
        using var cli = await LoggedInAsOwnerAsync();

        var add = await cli.RunAsync("admin", "members", "add", " ", "--role", "viewer");

        Assert.Equal(3, add.Exit);
        Assert.Contains("(FIELD_INVALID)", add.Err);
        Assert.Contains("  email: is required", add.Err);
        Assert.Contains("hint: Correct the values listed above", add.Err);
    }

    [Fact]
    public async Task MembersRemove_UnknownUserId_ExitsNotFound()
    {
        using var cli = await LoggedInAsOwnerAsync();

        var remove = await cli.RunAsync("admin", "members", "remove", "no-such-user");

        Assert.Equal(5, remove.Exit);
        Assert.Contains("(MEMBER_NOT_FOUND)", remove.Err);
        Assert.Contains("pilotdeck admin members list", remove.Err);
    }

    [Fact]
    public async Task AdminCommand_ServerDown_ExitsUnavailableWithAdvice()
    {
        using var cli = await LoggedInAsOwnerAsync();
        var down = new Uri($"http://127.0.0.1:{PilotdeckTestHost.FreePort()}");

        var list = await cli.RunAsync("admin", "members", "list", "--server", down.ToString());

        Assert.Equal(14, list.Exit);
        Assert.Contains("hint: Cannot reach the server at " + down, list.Err);
    }
}
