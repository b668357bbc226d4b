using System.Text.Json;

namespace Pilotdeck.Cli.Tests;

public sealed class TenantsCommandTests
{
    [Fact]
    public async Task TenantsCreate_NewOwner_CreatesListedTenantAndShowsPasswordOnce()
    {
        using var cli = new CliRunner();
        var dataDirectory = Path.Combine(cli.ConfigHome, "data");
        Assert.Equal(0, (await cli.RunAsync("db", "migrate", "--data-dir", dataDirectory)).Exit);

        var create = await cli.RunAsync("admin", "tenants", "create", "--id", "acme", "--name", "Acme Corp", "--owner-email", "ops@acme.test", "--data-dir", dataDirectory, "--output", "json");
        var duplicate = await cli.RunAsync("admin", "tenants", "create", "--id", "acme", "--name", "Again", "--owner-email", "ops@acme.test", "--data-dir", dataDirectory);
        var list = await cli.RunAsync("admin", "tenants", "list", "--data-dir", dataDirectory, "--output", "json");

        Assert.True(create.Exit == 0, create.ToString());
        using var created = JsonDocument.Parse(create.Out);
        Assert.Equal("acme", created.RootElement.GetProperty("tenant_id").GetString());
        Assert.True(created.RootElement.GetProperty("owner_password").GetString()!.Length >= 20);
        Assert.Contains("shown only now", create.Err);
        Assert.Equal(6, duplicate.Exit);
        Assert.Contains("already exists", duplicate.Err);
        Assert.Equal(["acme"], JsonDocument.Parse(list.Out).RootElement.EnumerateArray().Select(t => t.GetProperty("tenant_id").GetString()));
    }

    [Fact]
    public async Task TenantsCreate_InvalidId_IsAUsageError()
    {
        using var cli = new CliRunner();

        var create = await cli.RunAsync("admin", "tenants", "create", "--id", "Not Valid", "--name", "x", "--owner-email", "a@b.test", "--data-dir", Path.Combine(cli.ConfigHome, "data"));

        Assert.Equal(1, create.Exit);
        Assert.Contains("lower-case letters", create.Err);
    }
}
