using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static Pilotdeck.Data.Tests.TenantIsolationTests;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// A scope's SQLite connection opens at its first query and stays open for the scope's other
/// queries and transactions (SqliteConnectionPerLease); the scope's end gives it back.
/// </summary>
public class SqliteConnectionPerLeaseTests
{
    [Fact]
    public async Task AScope_OpensItsConnectionOnce_AndGivesItBackWhenItEnds()
    {
        await using var database = await SeedAsync(DatabaseProvider.Sqlite);
        SqliteConnection connection;
        var opens = 0;
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            await db.Cohorts.CountAsync();
            connection = (SqliteConnection)db.Database.GetDbConnection();
            Assert.Equal(ConnectionState.Open, connection.State);
            connection.StateChange += (_, change) => opens += change.CurrentState == ConnectionState.Open ? 1 : 0;

            await db.Cohorts.CountAsync();
            await db.Participants.AnyAsync();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                await db.Cohorts.CountAsync();
                await transaction.CommitAsync();
            }

            await db.Cohorts.CountAsync();
            Assert.Equal(ConnectionState.Open, connection.State);
        }

        Assert.Equal(0, opens);
        Assert.Equal(ConnectionState.Closed, connection.State);
    }
}
