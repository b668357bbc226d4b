using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Hosting;

namespace Pilotdeck.Bench.Api;

/// <summary>
/// The real Pilotdeck host, built exactly as the run command builds it (PilotdeckHost.BuildAsync),
/// on a free loopback port over a fresh database: a temporary SQLite directory, or a new database
/// in the PostgreSQL cluster named by PILOTDECK_TEST_POSTGRES, dropped again on dispose. The demo
/// tenant is seeded; the bench adds one API client to it (scope <see cref="ClientScope"/> unless the
/// caller names others) and gets a token the way a partner system would, from POST /oauth2/token.
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    public const string TenantId = "demo";
    public const string ClientScope = "identity.read";

    private readonly string _dataDirectory;
    private readonly Func<Task> _dropDatabase;

    private ServerUnderTest(string provider, WebApplication app, Uri address, string dataDirectory, string? connectionString, Func<Task> dropDatabase)
    {
        Provider = provider;
        ConnectionString = connectionString;
        App = app;
        Address = address;
        _dataDirectory = dataDirectory;
        _dropDatabase = dropDatabase;
    }

    public string Provider { get; }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>The bench database's connection string on PostgreSQL; null on SQLite.</summary>
    public string? ConnectionString { get; }

    public IServiceProvider Services => App.Services;

    public string ClientId { get; private set; } = "";

    public string AccessToken { get; private set; } = "";

    public static async Task<ServerUnderTest> StartAsync(string provider, IReadOnlyList<string> extraArgs, IReadOnlyList<string>? clientScopes = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-bench-api-" + Guid.NewGuid().ToString("N"));
        var args = new List<string>
        {
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
            "--Pilotdeck:SeedDemo=true",
            // The host logs one Information line per request (console + JSON file). Off here: it is
            // the same cost on both endpoints and would flood the console.
            "--Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Warning",
            // Adds the bench's call-counting interceptor (CallCounter.cs) to the host's pipeline.
            "--hostingStartupAssemblies=" + typeof(ServerUnderTest).Assembly.GetName().Name,
        };
        Func<Task> drop = () => Task.CompletedTask;
        string? connectionString = null;
        if (provider == "postgres")
        {
            (connectionString, var dropDatabase) = await Pilotdeck.TestSupport.ThrowawayPostgres.CreateDatabaseAsync("pd_bench_api");
            drop = dropDatabase;
            args.Add("--Pilotdeck:Database:Provider=Postgres");
            args.Add($"--Pilotdeck:Database:ConnectionString={connectionString}");
        }

        args.AddRange(extraArgs);
        WebApplication? app = null;
        try
        {
            app = await PilotdeckHost.BuildAsync([.. args]);
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var server = new ServerUnderTest(provider, app, address, dataDirectory, connectionString, drop);
            await server.CreateClientAndTokenAsync(clientScopes ?? [ClientScope]);
            return server;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await drop();
            throw;
        }
    }

    /// <summary>An API client of the demo tenant with <paramref name="scopes"/>, created through DI as an admin tool would, then a client_credentials token.</summary>
    private async Task CreateClientAndTokenAsync(IReadOnlyList<string> scopes)
    {
        string secret;
        await using (var scope = Services.CreateTenantScope(TenantId))
        {
            var issued = await scope.ServiceProvider.GetRequiredService<ApiClients>().CreateAsync("bench-automation", [.. scopes]);
            ClientId = issued.Client.ClientId;
            secret = issued.Secret;
        }

        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, "/oauth2/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = ClientId,
                ["client_secret"] = secret,
            }),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST /oauth2/token answered {(int)response.StatusCode}: {body}");
        }

        AccessToken = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException("The token response had no access_token.");
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await _dropDatabase();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; a temp directory left behind is harmless.
        }
    }
}
