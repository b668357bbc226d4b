using Npgsql;

namespace Pilotdeck.TestSupport;

/// <summary>
/// Fresh databases on the throwaway cluster that <c>scripts/postgres.sh start</c> runs and names in
/// <see cref="AdminVariable"/>; tests, benchmarks and the CLI tests all get theirs here.
/// </summary>
public static class ThrowawayPostgres
{
    public const string AdminVariable = "PILOTDECK_TEST_POSTGRES";

    /// <summary>Creates an empty database; the returned action drops it (and its pooled connections).</summary>
    public static async Task<(string ConnectionString, Func<Task> Drop)> CreateDatabaseAsync(string prefix)
    {
        var admin = Environment.GetEnvironmentVariable(AdminVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            // Fail rather than skip: the test command always starts the cluster.
            throw new InvalidOperationException($"{AdminVariable} is not set. Start the test cluster with: eval \"$(scripts/postgres.sh start)\"");
        }

        var name = $"{prefix}_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return (connectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        });
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
