using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Pilotdeck.Data;

/// <summary>
/// A lock named by the caller, held until the current transaction ends, across every host sharing the
/// database: PostgreSQL's transaction-level advisory lock, SQL Server's application lock. SQLite
/// needs none: a writing transaction (EF begins them IMMEDIATE) already excludes every other writer.
/// </summary>
public static class TransactionLocks
{
    /// <summary>Waits for and takes the lock <paramref name="name"/>; requires an open transaction.</summary>
    public static async Task LockForTransactionAsync(this DatabaseFacade database, string name, CancellationToken cancellationToken)
    {
        if (database.CurrentTransaction is null)
        {
            throw new InvalidOperationException($"The lock '{name}' lasts for a transaction; none is open.");
        }

        if (database.IsNpgsql())
        {
            await database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({name}, 0))", cancellationToken);
        }
        else if (database.IsSqlServer())
        {
            await database.ExecuteSqlAsync($"EXEC sp_getapplock @Resource = {name}, @LockMode = 'Exclusive', @LockOwner = 'Transaction'", cancellationToken);
        }
    }
}
