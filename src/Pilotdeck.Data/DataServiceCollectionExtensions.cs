using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Paging;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the database (<c>Pilotdeck:Database</c>), the scoped tenant context, the identity
    /// core (<c>Pilotdeck:Accounts</c>, <c>Pilotdeck:Tokens</c>) and the page token codec
    /// (<c>Pilotdeck:Paging:Key</c>, base64, at least 32 bytes).
    /// </summary>
    public static IServiceCollection AddPilotdeckData(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseOptions.From(configuration);
        var connectionString = database.ResolveConnectionString();
        _ = database.Provider switch
        {
            DatabaseProvider.Sqlite => services.AddDbContext<PilotdeckDbContext, SqlitePilotdeckDbContext>(o => o.UseSqlite(connectionString)),
            DatabaseProvider.Postgres => services.AddDbContext<PilotdeckDbContext, PostgresPilotdeckDbContext>(o => o.UseNpgsql(connectionString)),
            _ => throw new InvalidOperationException($"Unknown database provider '{database.Provider}'."),
        };

        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TenantContext>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());

        services.Configure<AccountOptions>(configuration.GetSection(AccountOptions.Section));
        services.Configure<TokenServiceOptions>(configuration.GetSection(TokenServiceOptions.Section));
        services.TryAddScoped<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<ApiClients>();
        services.AddSingleton<SigningKeyCache>();
        services.AddScoped<SigningKeyStore>();
        services.AddScoped<TokenService>();

        // Without a configured key, tokens are valid for this process only; a client then restarts its
        // listing after a server restart, which AIP-158 allows. Multi-instance deployments must set one.
        var pagingKey = configuration["Pilotdeck:Paging:Key"];
        services.AddSingleton(new PageTokenCodec(pagingKey is null ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(pagingKey)));
        return services;
    }
}
