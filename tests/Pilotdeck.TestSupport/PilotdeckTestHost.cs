using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Hosting;

namespace Pilotdeck.TestSupport;

/// <summary>
/// The real host, built as the run command builds it, on loopback over a fresh database. The demo
/// tenant gets an owner and an API client with known credentials (the seeded admin's password is
/// random and shown only on the console). Extra host settings go in as <c>--Key=Value</c> arguments,
/// e.g. a short <c>Pilotdeck:Tokens:AccessTokenLifetime</c>.
/// </summary>
public sealed class PilotdeckTestHost : IAsyncDisposable
{
    public const string OwnerPassword = "Correct-Horse-Battery-9";

    private readonly WebApplication _app;
    private readonly string _dataDirectory;
    private readonly Func<Task> _dropDatabase;

    private PilotdeckTestHost(WebApplication app, string dataDirectory, Func<Task> dropDatabase)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        _dropDatabase = dropDatabase;
    }

    /// <summary>The gRPC and OAuth2 address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The API's HTTP/1.1 endpoint (JSON routes, gRPC-Web, OAuth2 for HTTP/1.1 clients).</summary>
    public Uri RestAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public string TenantId => DemoSeeder.TenantId;

    /// <summary>An owner of the demo tenant; the same in every host, so a client can be set up before the host starts.</summary>
    public const string OwnerEmail = "owner@demo.test";

    public string OwnerUserId { get; private set; } = null!;

    public string ClientId { get; private set; } = null!;

    public string ClientSecret { get; private set; } = null!;

    /// <summary>Starts a host over SQLite (or PostgreSQL) on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<PilotdeckTestHost> StartAsync(IEnumerable<string>? settings = null, int port = 0, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-testhost-" + Guid.NewGuid().ToString("N"));
        var args = new List<string>
        {
            $"--Pilotdeck:GrpcUrl=http://127.0.0.1:{port}",
            // The browser endpoint defaults to a fixed port; hosts running side by side must not share it.
            "--Pilotdeck:PortalUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=http://127.0.0.1:0",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
            "--Pilotdeck:SeedDemo=true",
            "--Serilog:MinimumLevel=Warning",
        };
        Func<Task> drop = () => Task.CompletedTask;
        if (provider == DatabaseProvider.Postgres)
        {
            var (connectionString, dropDatabase) = await CreatePostgresDatabaseAsync();
            drop = dropDatabase;
            args.Add("--Pilotdeck:Database:Provider=Postgres");
            args.Add($"--Pilotdeck:Database:ConnectionString={connectionString}");
        }

        args.AddRange((settings ?? []).Select(s => s.StartsWith("--", StringComparison.Ordinal) ? s : "--" + s));
        var app = await PilotdeckHost.BuildAsync([.. args]);
        var host = new PilotdeckTestHost(app, dataDirectory, drop);
        // Building migrated the database; the accounts exist before the first request can arrive.
        await host.PrepareDemoTenantAsync();
        await app.StartAsync();
        // Kestrel reports addresses in the order the endpoints were configured: gRPC, HTTP/JSON, portal.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        host.Address = addresses[0];
        host.RestAddress = addresses[1];
        return host;
    }

    private async Task PrepareDemoTenantAsync()
    {
        await using var scope = Services.CreateTenantScope(TenantId);
        var users = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var user = await users.CreateAsync(OwnerEmail, OwnerPassword);
        await users.SetMembershipAsync(user.Id, MemberRole.Owner);
        OwnerUserId = user.Id;
        var client = await scope.ServiceProvider.GetRequiredService<ApiClients>().CreateAsync("test-automation", ["identity.read", "identity.admin"]);
        ClientId = client.Client.ClientId;
        ClientSecret = client.Secret;
    }

    /// <summary>
    /// Adds another tenant directly in the database, with an owner (<c>owner@{tenantId}.test</c>,
    /// password <see cref="OwnerPassword"/>) and an API client, so a test can try to cross from one tenant to the other.
    /// </summary>
    public async Task<(string OwnerEmail, string OwnerUserId, string ClientId, string ClientSecret)> AddTenantAsync(string tenantId, string name)
    {
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            db.Tenants.Add(new Tenant { Id = tenantId, Name = name, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await using var tenantScope = Services.CreateTenantScope(tenantId);
        var users = tenantScope.ServiceProvider.GetRequiredService<UserAccounts>();
        var email = $"owner@{tenantId}.test";
        var user = await users.CreateAsync(email, OwnerPassword);
        await users.SetMembershipAsync(user.Id, MemberRole.Owner);
        var client = await tenantScope.ServiceProvider.GetRequiredService<ApiClients>().CreateAsync($"{tenantId}-automation", ["identity.read", "identity.admin"]);
        return (email, user.Id, client.Client.ClientId, client.Secret);
    }

    /// <summary>Adds a user to the demo tenant directly in the database.</summary>
    public async Task<string> AddMemberAsync(string email, string password, MemberRole role)
    {
        await using var scope = Services.CreateTenantScope(TenantId);
        var users = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var user = await users.CreateAsync(email, password);
        await users.SetMembershipAsync(user.Id, role);
        return user.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _dropDatabase();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; a stray temp directory is harmless.
        }
    }

    /// <summary>A fresh database on the test cluster; see <see cref="ThrowawayPostgres"/>.</summary>
    public static Task<(string ConnectionString, Func<Task> Drop)> CreatePostgresDatabaseAsync() => ThrowawayPostgres.CreateDatabaseAsync("pd_sdk");

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
