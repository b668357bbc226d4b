using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static Pilotdeck.Data.Tests.TenantIsolationTests;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// Every SQLite connection a context opens waits for the write lock inside SQLite (SqliteBusyWait),
/// including a native connection the pool hands out again, where the wait is not set a second time.
/// </summary>
public class SqliteBusyWaitTests
{
    [Fact]
    public async Task EveryOpenedConnection_WaitsForTheWriteLock_AlsoWhenThePoolReusesIt()
    {
        await using var database = await SeedAsync(DatabaseProvider.Sqlite);
        var natives = new List<object>();
        for (var i = 0; i < 3; i++)
        {
            await using var scope = database.TenantScope(Alpha);
            var db = scope.Db();
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            natives.Add(connection.Handle!);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            Assert.Equal(5000L, await command.ExecuteScalarAsync());
            await db.Database.CloseConnectionAsync();
        }

        // The pool gave a native connection out more than once, and it still had its wait.
        Assert.True(natives.Distinct(ReferenceEqualityComparer.Instance).Count() < natives.Count);
    }
}
