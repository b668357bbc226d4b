using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Pilotdeck.Data;

/// <summary>Applies the configured provider's migrations; used at start-up and by <c>pilotdeck db migrate</c>.</summary>
public static class DatabaseMigrator
{
    /// <summary>
    /// Creates the database if needed and applies pending migrations. Safe to run concurrently from
    /// several instances: EF takes a migrations lock.
    /// </summary>
    /// <returns>The ids of the migrations this call applied, oldest first.</returns>
    public static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();

        var sqlite = db.Database.GetDbConnection() as SqliteConnection;
        if (sqlite is not null && Path.GetDirectoryName(Path.GetFullPath(sqlite.DataSource)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        // EF finds a missing database or history table by letting a statement fail, and logs that
        // at Error level: a healthy first start would print errors. Asking first keeps it quiet.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (sqlite is not null && pending.Count > 0 && (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any())
        {
            await KeepCopyAsync(sqlite, pending[0], cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);

        if (sqlite is not null)
        {
            // Readers then no longer block the writer; the server handles concurrent RPCs on one file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        return pending;
    }

    /// <summary>The file a SQLite upgrade copies the database to first: <c>pilotdeck.db.before-{first pending migration}</c>.</summary>
    public static string CopyBeforeUpgrade(string databaseFile, string firstPendingMigration) => $"{databaseFile}.before-{firstPendingMigration}";

    // SQLite rebuilds a table to change its keys, outside any transaction (EF cannot do otherwise):
    // an upgrade cut short there leaves the file half migrated, and this copy is the way back.
    private static async Task KeepCopyAsync(SqliteConnection database, string firstPending, CancellationToken cancellationToken)
    {
        await using var source = new SqliteConnection(database.ConnectionString);
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = CopyBeforeUpgrade(Path.GetFullPath(source.DataSource), firstPending), Pooling = false }.ConnectionString);
        await source.OpenAsync(cancellationToken);
        source.BackupDatabase(copy);
    }
}
