using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pilotdeck.Data;

/// <summary>
/// Keeps a context's SQLite connection open from its first query until the context goes back to the
/// pool, where EF would open and close it around every query. Each open of a pooled SQLite
/// connection costs EF several microseconds and kilobytes (it registers its SQL functions on the
/// connection again), and a call makes several queries. An idle open connection holds no lock
/// (autocommit, WAL), so nothing waits on it. Only the context's own connection is held, not one EF
/// opens beside it (the read-only connection that checks whether the database file exists).
/// </summary>
internal sealed class SqliteConnectionPerLease : DbConnectionInterceptor
{
    public static readonly SqliteConnectionPerLease Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Hold(connection, eventData.Context);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Hold(connection, eventData.Context);
        return Task.CompletedTask;
    }

    private static void Hold(DbConnection connection, DbContext? context)
    {
        if (context is not null && ReferenceEquals(context.Database.GetDbConnection(), connection))
        {
            // The connection is open already, so this only counts one more opener: EF's own close
            // after the query then leaves it open. The lease's end disposes it, open or not.
            context.Database.OpenConnection();
        }
    }
}
