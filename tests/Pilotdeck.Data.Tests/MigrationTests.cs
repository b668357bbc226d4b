using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Pilotdeck.Data.Tests;

public class MigrationTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrations_AppliedToEmptyDatabase_LeaveNoPendingModelChanges(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var scope = database.UnboundScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();

        // Checked before migrating because Migrate itself refuses to run with pending model changes.
        var drift = db.Database.HasPendingModelChanges() ? DescribeSnapshotDrift(db) : null;
        Assert.True(drift is null, "The model differs from the provider's model snapshot; add a migration and update the snapshot:\n" + drift);

        await DatabaseMigrator.MigrateAsync(database.Services);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrations_AppliedToEmptyDatabase_MatchSchemaCreatedFromModel(DatabaseProvider provider)
    {
        await using var migrated = await TestDatabase.CreateAsync(provider);
        await using var fromModel = await TestDatabase.CreateAsync(provider, migrate: false);

        await using var migratedScope = migrated.UnboundScope();
        var migratedDb = migratedScope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        await using var modelScope = fromModel.UnboundScope();
        var modelDb = modelScope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        await modelDb.Database.OpenConnectionAsync();
        await using (var create = modelDb.Database.GetDbConnection().CreateCommand())
        {
            create.CommandText = modelDb.Database.GenerateCreateScript();
            await create.ExecuteNonQueryAsync();
        }
        await migratedDb.Database.OpenConnectionAsync();

        var expected = await SchemaCatalog.DescribeAsync(modelDb.Database.GetDbConnection(), provider);
        var actual = await SchemaCatalog.DescribeAsync(migratedDb.Database.GetDbConnection(), provider);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    /// <summary>Every migration the provider's context defines, oldest first (the first is the Initial one).</summary>
    private static IReadOnlyList<string> DefinedMigrations(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var defined = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Database.GetMigrations().ToList();
        Assert.EndsWith("_Initial", defined[0]);
        return defined;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrator_RunTwice_AppliesNothingTheSecondTime(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);

        Assert.Equal(DefinedMigrations(database.Services), await DatabaseMigrator.MigrateAsync(database.Services));
        Assert.Empty(await DatabaseMigrator.MigrateAsync(database.Services));
    }

    [Fact]
    public async Task Migrator_SqliteWithOnlyDataDirectory_CreatesAndMigratesDatabaseFile()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-data-tests", Guid.NewGuid().ToString("N"), "nested");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pilotdeck:DataDirectory"] = dataDirectory })
            .Build();
        var services = new ServiceCollection().AddPilotdeckData(configuration).BuildServiceProvider();
        try
        {
            var applied = await DatabaseMigrator.MigrateAsync(services);

            Assert.Equal(DefinedMigrations(services), applied);
            Assert.True(File.Exists(Path.Combine(dataDirectory, "pilotdeck.db")));
        }
        finally
        {
            await services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(dataDirectory)!, recursive: true);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrator_FirstStart_CreatesTheDatabaseAndLogsNoErrors(DatabaseProvider provider)
    {
        // Nothing exists yet: no SQLite file, no PostgreSQL database. An operator reading the log of
        // a healthy first start must not find errors in it.
        var admin = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable);
        var name = $"pd_first_{Guid.NewGuid():N}";
        var connectionString = provider == DatabaseProvider.Postgres
            ? new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString
            : $"Data Source={Path.Combine(Path.GetTempPath(), "pilotdeck-data-tests", name + ".db")}";
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pilotdeck:Database:Provider"] = provider.ToString(),
                ["Pilotdeck:Database:ConnectionString"] = connectionString,
            })
            .Build();
        var logs = new RecordedLogs();
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(logs)).AddPilotdeckData(configuration).BuildServiceProvider();
        try
        {
            Assert.Equal(DefinedMigrations(services), await DatabaseMigrator.MigrateAsync(services));
            Assert.Contains(logs.Entries, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
        }
        finally
        {
            await services.DisposeAsync();
            if (provider == DatabaseProvider.Postgres)
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
            else
            {
                SqliteConnection.ClearAllPools();
                File.Delete(new SqliteConnectionStringBuilder(connectionString).DataSource);
            }
        }
    }

    [Fact]
    public async Task Migrator_UpgradingASqliteFile_KeepsACopyOfItAsItWasFirst()
    {
        // The tenant-scoped keys rebuild SQLite tables outside a transaction (ADR 0023): an upgrade
        // cut short there is undone from the copy.
        var file = Path.Combine(Path.GetTempPath(), "pilotdeck-data-tests", $"pd_upgrade_{Guid.NewGuid():N}.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pilotdeck:Database:Provider"] = nameof(DatabaseProvider.Sqlite),
                ["Pilotdeck:Database:ConnectionString"] = $"Data Source={file}",
            })
            .Build();
        var services = new ServiceCollection().AddLogging().AddPilotdeckData(configuration).BuildServiceProvider();
        var migrations = DefinedMigrations(services).ToList();
        var before = migrations.IndexOf(migrations.Single(m => m.EndsWith("_TenantScopedKeys", StringComparison.Ordinal))) - 1;
        var copy = DatabaseMigrator.CopyBeforeUpgrade(file, migrations[before + 1]);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await using (var scope = services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().GetService<IMigrator>().MigrateAsync(migrations[before]);
            }

            Assert.Equal(migrations.Skip(before + 1), await DatabaseMigrator.MigrateAsync(services));

            await using var copied = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
            await copied.OpenAsync();
            await using var last = new SqliteCommand("SELECT max(\"MigrationId\") FROM \"__EFMigrationsHistory\"", copied);
            Assert.Equal(migrations[before], await last.ExecuteScalarAsync());
        }
        finally
        {
            await services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            File.Delete(file);
            File.Delete(copy);
        }
    }

    private sealed class RecordedLogs : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(RecordedLogs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Entries.Enqueue((logLevel, category, formatter(state, exception)));
        }
    }

    [Fact]
    public void AddPilotdeckData_PostgresWithoutConnectionString_ThrowsNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pilotdeck:Database:Provider"] = "Postgres" })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddPilotdeckData(configuration));
        Assert.Contains("Pilotdeck:Database:ConnectionString", error.Message);
    }

    // HasPendingModelChanges only answers yes/no; the operations tell a maintainer what to put in the snapshot.
    private static string DescribeSnapshotDrift(PilotdeckDbContext db)
    {
        // A fresh snapshot instance: the migrator has already finalized the cached one.
        var snapshotType = db.GetService<IMigrationsAssembly>().ModelSnapshot?.GetType();
        if (snapshotType is null)
        {
            return "(no snapshot)";
        }
        IModel snapshot = ((ModelSnapshot)Activator.CreateInstance(snapshotType)!).Model;
        if (snapshot is IMutableModel mutable)
        {
            snapshot = mutable.FinalizeModel();
        }
        snapshot = db.GetService<IModelRuntimeInitializer>().Initialize(snapshot);
        var operations = db.GetService<IMigrationsModelDiffer>()
            .GetDifferences(snapshot.GetRelationalModel(), db.GetService<IDesignTimeModel>().Model.GetRelationalModel());
        return string.Join("\n", operations.Select(o => $"{o.GetType().Name} {Describe(o)}"));
    }

    private static string Describe(MigrationOperation operation) => operation switch
    {
        ColumnOperation c => $"{c.Table}.{c.Name} {c.ColumnType} nullable={c.IsNullable}",
        TableOperation t => t.Name,
        CreateIndexOperation i => $"{i.Table}.{i.Name}",
        _ => "",
    };
}
