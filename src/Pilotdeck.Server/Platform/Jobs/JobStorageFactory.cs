using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Pilotdeck.Data;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Where jobs are kept, per database provider (docs/adr/0010-background-jobs-on-hangfire.md): the
/// embedded installation gets a SQLite file of its own beside pilotdeck.db, PostgreSQL and SQL Server
/// keep them in the application's database under the schema <c>hangfire</c>, so hosts sharing that
/// database share the queues and the recurring-job locks.
/// </summary>
internal static class JobStorageFactory
{
    public const string Schema = "hangfire";
    public const string SqliteFileName = "jobs.db";

    /// <summary>The storage kind for this configuration: the database provider's name.</summary>
    public static string KindOf(IConfiguration configuration) => DatabaseOptions.From(configuration).Provider.ToString();

    public static JobStorage Create(IConfiguration configuration, JobsOptions jobs)
    {
        var database = DatabaseOptions.From(configuration);
        return database.Provider switch
        {
            DatabaseProvider.Postgres => CreatePostgres(database, jobs),
            DatabaseProvider.SqlServer => CreateSqlServer(database, jobs),
            _ => CreateSqlite(database, jobs),
        };
    }

    // No SQL Server engine runs where Pilotdeck is tested; this is wired, not exercised.
    private static SqlServerStorage CreateSqlServer(DatabaseOptions database, JobsOptions jobs) =>
        new(database.ResolveConnectionString(), new SqlServerStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = jobs.QueuePollInterval,
        });

    private static PostgreSqlStorage CreatePostgres(DatabaseOptions database, JobsOptions jobs)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            // Creates or upgrades the hangfire schema at start, as the host's migrator does for its own.
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = jobs.QueuePollInterval,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ResolveConnectionString(), options), options);
    }

    private static SQLiteStorage CreateSqlite(DatabaseOptions database, JobsOptions jobs)
    {
        // A file of its own: the jobs tables are written by another library (sqlite-net) with its own
        // locking, and keeping them out of pilotdeck.db keeps EF's migrations and model check exact.
        var directory = Path.GetFullPath(database.DataDirectory);
        Directory.CreateDirectory(directory);
        return new SQLiteStorage(Path.Combine(directory, SqliteFileName), new SQLiteStorageOptions
        {
            QueuePollInterval = jobs.QueuePollInterval,
        });
    }
}
