using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Pilotdeck.Data;

/// <summary>
/// A larger SQLite page cache on the scope's connection for one bulk write (an import's dry-run or
/// commit), given back afterwards. SQLite's default cache of 2 MiB is far smaller than what a
/// 100,000-row import touches in its random-order indexes (natural keys, receipt ids), so SQLite
/// kept writing dirty index pages out to the WAL and reading them back: a fifth of the commit's
/// thread in <c>pwrite</c>/<c>pread</c> (perf), 25% less CPU per row with 64 MiB (docs/performance.md).
/// The cache is per connection and pooled connections keep it, hence the restore. Other providers:
/// nothing to do (PostgreSQL's buffers are the server's).
/// </summary>
public static class BulkWriteCache
{
    /// <summary>The cache while the write runs, in KiB; allocated only as pages are used.</summary>
    public const int Kibibytes = 64 * 1024;

    /// <summary>
    /// Opens the connection (EF keeps it open until the returned handle is disposed, across any
    /// transaction begun meanwhile) and enlarges its cache; disposing restores the previous size.
    /// </summary>
    public static async Task<IAsyncDisposable> EnlargeAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        if (!database.IsSqlite())
        {
            return Nothing.Instance;
        }

        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            var previous = (long)(await PragmaAsync(database, "PRAGMA cache_size", cancellationToken))!;
            await PragmaAsync(database, $"PRAGMA cache_size = -{Kibibytes}", cancellationToken);
            return new Restore(database, previous);
        }
        catch
        {
            await database.CloseConnectionAsync();
            throw;
        }
    }

    // A pragma takes no parameters (its values here are numbers), on the connection as it is.
    private static async Task<object?> PragmaAsync(DatabaseFacade database, string pragma, CancellationToken cancellationToken)
    {
        await using var command = database.GetDbConnection().CreateCommand();
        command.CommandText = pragma;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private sealed class Restore(DatabaseFacade database, long previous) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Shrinking frees the pages beyond the old size: the pooled connection goes back small.
                await PragmaAsync(database, $"PRAGMA cache_size = {previous}", CancellationToken.None);
            }
            catch (DbException)
            {
                // A connection that cannot be given back small is not pooled again, and the error
                // that broke it (the caller's, if any) stays the one reported.
                if (database.GetDbConnection() is SqliteConnection sqlite)
                {
                    SqliteConnection.ClearPool(sqlite);
                }
            }
            finally
            {
                await database.CloseConnectionAsync();
            }
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
