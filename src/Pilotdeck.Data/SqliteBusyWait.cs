using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

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

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {WaitMilliseconds}";
        command.ExecuteNonQuery();
    }
}
