using System.Text.Json;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Cli.Tests;

public sealed class DbCommandTests
{
    [Fact]
    public async Task Migrate_FreshSqlite_AppliesEverythingThenNothing()
    {
        using var cli = new CliRunner();
        var dataDirectory = Path.Combine(cli.ConfigHome, "data");

        var first = await cli.RunAsync("db", "migrate", "--provider", "sqlite", "--data-dir", dataDirectory, "--output", "json");
        var second = await cli.RunAsync("db", "migrate", "--provider", "sqlite", "--data-dir", dataDirectory, "--output", "json");

        Assert.True(first.Exit == 0, first.ToString());
        Assert.NotEmpty(JsonDocument.Parse(first.Out).RootElement.EnumerateArray());
        Assert.True(File.Exists(Path.Combine(dataDirectory, "pilotdeck.db")));
        Assert.Equal(0, second.Exit);
        Assert.Empty(JsonDocument.Parse(second.Out).RootElement.EnumerateArray());
        Assert.Contains("up to date", second.Err);
    }

    [Fact]
    public async Task Migrate_PostgresFromServerEnvironmentVariables_AppliesTheMigrations()
    {
        var (connectionString, drop) = await PilotdeckTestHost.CreatePostgresDatabaseAsync();
        try
        {
            using var cli = new CliRunner();
            // The server's own configuration keys, as a deployment sets them.
            cli.Variables["Pilotdeck__Database__Provider"] = "Postgres";
            cli.Variables["Pilotdeck__Database__ConnectionString"] = connectionString;

            var migrate = await cli.RunAsync("db", "migrate");

            Assert.True(migrate.Exit == 0, migrate.ToString());
            Assert.StartsWith("MIGRATION_ID", migrate.Out);
            Assert.Contains("to the Postgres database", migrate.Err);
        }
        finally
        {
            await drop();
        }
    }

    [Fact]
    public async Task Migrate_PostgresWithoutConnectionString_IsAUsageError()
    {
        using var cli = new CliRunner();

        var migrate = await cli.RunAsync("db", "migrate", "--provider", "postgres");

        Assert.Equal(1, migrate.Exit);
        Assert.Contains("ConnectionString is required", migrate.Err);
        Assert.Contains("hint: Pass --connection-string", migrate.Err);
    }
}
