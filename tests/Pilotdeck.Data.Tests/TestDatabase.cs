using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// A fresh, empty database of one provider per test, with the services of <c>AddPilotdeckData</c>
/// over it. SQLite uses a temp file; PostgreSQL a new database on the cluster named by
/// <c>PILOTDECK_TEST_POSTGRES</c>, dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "PILOTDECK_TEST_POSTGRES";

    private readonly IConfiguration _configuration;
    private readonly ServiceProvider _services;
    private readonly Func<Task> _drop;

    private TestDatabase(DatabaseProvider provider, string connectionString, IConfiguration configuration, ServiceProvider services, Func<Task> drop)
    {
        _configuration = configuration;
        Provider = provider;
        ConnectionString = connectionString;
        _services = services;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public IServiceProvider Services => _services;
    public FakeTimeProvider Time => _services.GetRequiredService<FakeTimeProvider>();

    /// <param name="migrate">Apply the migrations; <c>false</c> leaves the database empty.</param>
    /// <param name="clockStart">Where <see cref="Time"/> starts; default now (it only moves forward).</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrate = true, IDictionary<string, string?>? settings = null, DateTimeOffset? clockStart = null)
    {
        var (connectionString, drop) = provider switch
        {
            DatabaseProvider.Sqlite => CreateSqlite(),
            DatabaseProvider.Postgres => await CreatePostgresAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pilotdeck:Database:Provider"] = provider.ToString(),
                ["Pilotdeck:Database:ConnectionString"] = connectionString,
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = BuildServices(configuration, clockStart ?? DateTimeOffset.UtcNow);

        var database = new TestDatabase(provider, connectionString, configuration, services, drop);
        if (migrate)
        {
            await DatabaseMigrator.MigrateAsync(services);
        }
        return database;
    }

    /// <summary>
    /// A database migrated up to the migration before the one whose name ends with
    /// <paramref name="migration"/>: a data migration's test stores rows the old way, then upgrades.
    /// </summary>
    public static async Task<TestDatabase> CreateBeforeMigrationAsync(DatabaseProvider provider, string migration)
    {
        var database = await CreateAsync(provider, migrate: false);
        await database.MigrateToBeforeAsync(migration);
        return database;
    }

    /// <summary>
    /// Migrates up or down to the migration before the one whose name ends with <paramref name="migration"/>:
    /// up for a data migration's test, down for its way back.
    /// </summary>
    public async Task MigrateToBeforeAsync(string migration)
    {
        await using var scope = UnboundScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var migrations = db.Database.GetMigrations().ToList();
        await db.GetService<IMigrator>().MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_" + migration, StringComparison.Ordinal)) - 1]);
    }

    /// <summary>Another host's services over the same database, as after a restart; the caller disposes them.</summary>
    public ServiceProvider BuildSiblingServices() => BuildServices(_configuration, Time.GetUtcNow());

    private static ServiceProvider BuildServices(IConfiguration configuration, DateTimeOffset clockStart)
    {
        var services = new ServiceCollection();
        // Starts at the real time by default, so that JWT validation (which reads the system clock) agrees.
        services.AddSingleton(new FakeTimeProvider(clockStart));
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<FakeTimeProvider>());
        services.AddPilotdeckData(configuration);
        // The hash format and verification are what the tests check; 100,000 PBKDF2 rounds per
        // attempt would only make the lockout tests slow.
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public AsyncServiceScope TenantScope(string tenantId) => _services.CreateTenantScope(tenantId);

    /// <summary>A scope no tenant is bound to, as at the token endpoint before authentication.</summary>
    public AsyncServiceScope UnboundScope() => _services.CreateAsyncScope();

    public async Task AddTenantsAsync(params string[] tenantIds)
    {
        await using var scope = UnboundScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        foreach (var id in tenantIds)
        {
            db.Tenants.Add(new Tenant { Id = id, Name = $"Tenant {id}", CreatedAt = Time.GetUtcNow() });
        }
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _drop();
    }

    private static (string, Func<Task>) CreateSqlite()
    {
        var directory = Path.Combine(Path.GetTempPath(), "pilotdeck-data-tests");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.db");
        return ($"Data Source={path}", () =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.EnumerateFiles(directory, Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
            return Task.CompletedTask;
        });
    }

    private static async Task<(string, Func<Task>)> CreatePostgresAsync()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            // Fail rather than skip: the test command always starts the cluster, so a missing
            // variable means a broken setup that would otherwise hide half of the suite.
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Start the test cluster with: eval \"$(scripts/postgres.sh start)\"");
        }

        var name = $"pd_test_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return (connectionString, async () =>
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        });
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
