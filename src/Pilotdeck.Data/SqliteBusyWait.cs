using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Pilotdeck.Data;

/// <summary>
/// Makes a SQLite connection that finds the database locked by another writer wait inside SQLite
/// (<c>PRAGMA busy_timeout</c>: it retries within milliseconds of the lock being released) instead of
/// returning at once to Microsoft.Data.Sqlite, whose own retry sleeps 150 ms between attempts. With
/// several writers (requests, jobs, the receipt sequencer) those sleeps left the one write lock idle
/// most of the time. Microsoft.Data.Sqlite's retry still applies after the wait, up to the command timeout.
/// </summary>
internal sealed class SqliteBusyWait : DbConnectionInterceptor
{
    public static readonly SqliteBusyWait Instance = new();

    private const int WaitMilliseconds = 5000;

    // The timeout belongs to the native connection, which the pool hands out again to call after
    // call: set it once per native connection, not per open.
    private static readonly ConditionalWeakTable<sqlite3, object> Waiting = [];
    private static readonly object Set = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply((SqliteConnection)connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply((SqliteConnection)connection);
        return Task.CompletedTask;
    }

    private static void Apply(SqliteConnection connection)
    {
        var native = connection.Handle!;
        if (Waiting.TryGetValue(native, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {WaitMilliseconds}";
        command.ExecuteNonQuery();
        Waiting.AddOrUpdate(native, Set);
    }
}
