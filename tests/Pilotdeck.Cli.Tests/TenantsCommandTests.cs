using System.Text.Json;
using Microsoft.Data.Sqlite;

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
        // The tenant's log starts with its creation, by the operator; the refused duplicate left nothing.
        Assert.Equal([("acme", "operator:" + Environment.UserName, "tenants.create", "tenants/acme")], ReadReceipts(dataDirectory));
    }

    private static List<(string Tenant, string Actor, string Action, string Subject)> ReadReceipts(string dataDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "pilotdeck.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tenant_id, actor, action, subject FROM receipts ORDER BY created_at";
        using var reader = command.ExecuteReader();
        var receipts = new List<(string, string, string, string)>();
        while (reader.Read())
        {
            receipts.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return receipts;
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
