using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Grpc.Core;
using Grpc.Net.Client;
using Pilotdeck.Server.Hosting;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>
/// The real host, built as the run command builds it, on a free loopback port over a fresh
/// database of one provider. It holds two tenants, each with an owner and an API client, so tests
/// can try to cross from one to the other.
/// </summary>
public abstract class HostFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-host-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new(new SocketsHttpHandler());
    private WebApplication? _app;
    private Func<Task> _dropDatabase = () => Task.CompletedTask;

    protected abstract DatabaseProvider Provider { get; }

    /// <summary>More host arguments (e.g. <c>--Pilotdeck:Guardian:MaxUploadBytes=…</c>) for a fixture that needs other settings.</summary>
    protected virtual IEnumerable<string> ExtraArgs => [];

    public Uri Address { get; private set; } = null!;

    /// <summary>The API's HTTP/1.1 endpoint (JSON routes, gRPC-Web, OpenAPI).</summary>
    public Uri RestAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public TenantUnderTest Demo { get; private set; } = null!;

    public TenantUnderTest Acme { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var args = new List<string>
        {
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:PortalUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=http://127.0.0.1:0",
            $"--Pilotdeck:Database:DataDirectory={_dataDirectory}",
            "--Pilotdeck:SeedDemo=true",
            "--Serilog:MinimumLevel=Warning",
            // Health Watch streams what the publisher finds; tests should not wait the default 10 s.
            "--Pilotdeck:Health:Period=00:00:01",
        };
        if (Provider == DatabaseProvider.Postgres)
        {
            var (connectionString, drop) = await ThrowawayPostgres.CreateDatabaseAsync("pd_host");
            _dropDatabase = drop;
            args.Add("--Pilotdeck:Database:Provider=Postgres");
            args.Add($"--Pilotdeck:Database:ConnectionString={connectionString}");
        }

        args.AddRange(ExtraArgs);
        _app = await PilotdeckHost.BuildAsync([.. args]);
        await _app.StartAsync();
        // Kestrel lists endpoints in the order they were configured: gRPC, HTTP/JSON, portal.
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        Address = addresses[0];
        RestAddress = addresses[1];

        Demo = await PrepareTenantAsync("demo", "Demo", createTenant: false);
        Acme = await PrepareTenantAsync("acme", "Acme Corp", createTenant: true);
    }

    private async Task<TenantUnderTest> PrepareTenantAsync(string tenantId, string name, bool createTenant)
    {
        if (createTenant)
        {
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            db.Tenants.Add(new Tenant { Id = tenantId, Name = name, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await using var tenantScope = Services.CreateTenantScope(tenantId);
        var users = tenantScope.ServiceProvider.GetRequiredService<UserAccounts>();
        var email = $"owner@{tenantId}.test";
        const string password = "Correct-Horse-Battery-9";
        var user = await users.CreateAsync(email, password);
        await users.SetMembershipAsync(user.Id, TenantRole.Owner);
        var client = await tenantScope.ServiceProvider.GetRequiredService<ApiClients>()
            .CreateAsync($"{tenantId}-automation", ["identity.read", "identity.admin"]);
        return new TenantUnderTest(tenantId, email, password, user.Id, client.Client.ClientId, client.Secret);
    }

    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Address);

    /// <summary>Posts to the token endpoint over HTTP/2 and returns the status and JSON body.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> PostTokenAsync(IDictionary<string, string> form) => PostFormAsync("/oauth2/token", form);

    /// <summary>Posts a form over HTTP/2; the body is the JSON answer, or an undefined element when empty.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostFormAsync(string path, IDictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, path))
        {
            Content = new FormUrlEncodedContent(form),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>GETs a JSON document over HTTP/2.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<string> ClientTokenAsync(TenantUnderTest tenant, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = tenant.ClientId, ["client_secret"] = tenant.ClientSecret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        var (status, body) = await PostTokenAsync(form);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    public async Task<string> UserTokenAsync(string email, string password)
    {
        var (status, body) = await PostTokenAsync(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = email, ["password"] = password });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    public static Metadata Bearer(string token) => new Metadata { { "authorization", "Bearer " + token } };

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _http.Dispose();
        await _dropDatabase();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on shutdown; the temp dir is harmless.
        }
    }
}

public sealed class SqliteHostFixture : HostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresHostFixture : HostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>A tenant the fixture prepared: its owner's credentials and an API client's.</summary>
public sealed record TenantUnderTest(string TenantId, string OwnerEmail, string OwnerPassword, string OwnerUserId, string ClientId, string ClientSecret);
