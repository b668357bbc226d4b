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
    private const string SqlServerProvider = "SqlServer";

    /// <summary>The storage kind for this configuration, read without binding so an unsupported data provider still names its storage.</summary>
    public static string KindOf(IConfiguration configuration)
    {
        var provider = configuration[DatabaseOptions.Section + ":Provider"];
        return string.Equals(provider, SqlServerProvider, StringComparison.OrdinalIgnoreCase)
            ? SqlServerProvider
            : DatabaseOptions.From(configuration).Provider.ToString();
    }

    public static JobStorage Create(IConfiguration configuration, JobsOptions jobs)
    {
        if (KindOf(configuration) == SqlServerProvider)
        {
            // No SQL Server engine runs where Pilotdeck is tested; this is wired, not exercised.
            return new SqlServerStorage(configuration[DatabaseOptions.Section + ":ConnectionString"], new SqlServerStorageOptions
            {
                SchemaName = Schema,
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = jobs.PollInterval,
            });
        }

        var database = DatabaseOptions.From(configuration);
        return database.Provider == DatabaseProvider.Postgres ? CreatePostgres(database, jobs) : CreateSqlite(database, jobs);
    }

    private static PostgreSqlStorage CreatePostgres(DatabaseOptions database, JobsOptions jobs)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            // Creates or upgrades the hangfire schema at start, as the host's migrator does for its own.
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = jobs.PollInterval,
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
            QueuePollInterval = jobs.PollInterval,
        });
    }
}
