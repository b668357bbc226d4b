using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenIddict.Abstractions;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Paging;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Defaults for a server that holds no session state: skip the reset round trip when a pooled
    /// connection is reused, and prepare the hot statements. Values set explicitly are kept.
    /// </summary>
    private static string TunePostgres(string connectionString)
    {
        // Which keys the string itself sets: NpgsqlConnectionStringBuilder.ContainsKey is true for
        // every keyword it knows, set or not. Npgsql accepts the keywords with or without spaces.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 20;
        }

        return builder.ConnectionString;
    }

    /// <summary>A pooled context for this scope, bound to the scope's tenant; disposing the scope returns it.</summary>
    private static TContext Lease<TContext>(IServiceProvider services)
        where TContext : PilotdeckDbContext
    {
        var context = services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();
        context.Tenant = services.GetRequiredService<ITenantContext>();
        return context;
    }

    /// <summary>
    /// One provider's context and connections. Contexts are pooled: building one (options, services,
    /// and on SQLite the connection's functions) costs more than a typical indexed read, and every
    /// call needs one. The DbDataSource hands out plain connections for the per-call reads that
    /// bypass EF (PrincipalChecks, docs/adr/0007-principal-checks.md); RowLookups batches them
    /// where the provider can.
    /// </summary>
    private static void AddProvider<TContext>(IServiceCollection services, Func<DbDataSource> dataSource, Action<DbContextOptionsBuilder> configure)
        where TContext : PilotdeckDbContext
    {
        services.AddSingleton(_ => dataSource());
        services.AddSingleton<RowLookups>();
        services.AddPooledDbContextFactory<TContext>(configure);
        services.AddScoped<PilotdeckDbContext>(sp => Lease<TContext>(sp));
        services.AddSingleton(sp =>
        {
            using var context = sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();
            return PrincipalChecks.Statements.For(context);
        });
    }

    /// <summary>
    /// Registers the database (<c>Pilotdeck:Database</c>), the scoped tenant context, the identity
    /// core (<c>Pilotdeck:Accounts</c>; OpenIddict's stores) and the page token codec
    /// (<c>Pilotdeck:Paging:Key</c>, base64, at least 32 bytes).
    /// </summary>
    public static IServiceCollection AddPilotdeckData(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseOptions.From(configuration);
        var connectionString = database.ResolveConnectionString();
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                AddProvider<SqlitePilotdeckDbContext>(services, () => SqliteFactory.Instance.CreateDataSource(connectionString), o => o.UseSqlite(connectionString, s => s.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)).AddInterceptors(SqliteBusyWait.Instance, SqliteConnectionPerLease.Instance)
                    // SQLite changes a table's keys by rebuilding it, which EF runs outside the migration's
                    // transaction; DatabaseMigrator copies the file before such an upgrade, so this is routine.
                    .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Information))));
                break;
            case DatabaseProvider.Postgres:
            {
                var tuned = TunePostgres(connectionString);
                AddProvider<PostgresPilotdeckDbContext>(services, () => NpgsqlDataSource.Create(tuned), o => o.UseNpgsql(tuned, n => n.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)));
                break;
            }
            case DatabaseProvider.SqlServer:
                AddProvider<SqlServerPilotdeckDbContext>(services, () => SqlClientFactory.Instance.CreateDataSource(connectionString), o => o.UseSqlServer(connectionString));
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider '{database.Provider}'.");
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());

        services.Configure<AccountOptions>(configuration.GetSection(AccountOptions.Section));
        services.TryAddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<ApiClients>();
        services.AddScoped(sp => new Lazy<IOpenIddictApplicationManager>(sp.GetRequiredService<IOpenIddictApplicationManager>));
        services.AddScoped<PrincipalChecks>();
        // OpenIddict's managers over its EF Core stores on this context: API clients are its applications.
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<PilotdeckDbContext>());

        // Without a configured key, tokens are valid for this process only; a client then restarts its
        // listing after a server restart, which AIP-158 allows. Multi-instance deployments must set one.
        var pagingKey = configuration["Pilotdeck:Paging:Key"];
        services.AddSingleton(new PageTokenCodec(pagingKey is null ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(pagingKey)));
        return services;
    }
}
