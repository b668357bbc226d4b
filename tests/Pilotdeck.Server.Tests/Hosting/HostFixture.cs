using System.Net;
using System.Text.Json;
using Pilotdeck.Data;
using Grpc.Core;
using Grpc.Net.Client;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>
/// The real host (TestSupport's <see cref="PilotdeckTestHost"/>, built as the run command builds it)
/// over a fresh database of one provider. It holds two tenants, each with an owner and an API
/// client, so tests can try to cross from one to the other.
/// </summary>
public abstract class HostFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new(new SocketsHttpHandler());
    private PilotdeckTestHost? _host;

    protected abstract DatabaseProvider Provider { get; }

    /// <summary>More host arguments (e.g. <c>--Pilotdeck:Guardian:MaxUploadBytes=…</c>) for a fixture that needs other settings.</summary>
    protected virtual IEnumerable<string> ExtraArgs => [];

    public Uri Address => _host!.Address;

    /// <summary>The API's HTTP/1.1 endpoint (JSON routes, gRPC-Web, OpenAPI).</summary>
    public Uri RestAddress => _host!.RestAddress;

    public IServiceProvider Services => _host!.Services;

    public TenantUnderTest Demo { get; private set; } = null!;

    public TenantUnderTest Acme { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Health Watch streams what the publisher finds; tests should not wait the default 10 s.
        _host = await PilotdeckTestHost.StartAsync(["--Pilotdeck:Health:Period=00:00:01", .. ExtraArgs], provider: Provider);
        Demo = new TenantUnderTest(_host.TenantId, PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword, _host.OwnerUserId, _host.ClientId, _host.ClientSecret);
        Acme = await PrepareTenantAsync("acme", "Acme Corp");
    }

    private async Task<TenantUnderTest> PrepareTenantAsync(string tenantId, string name)
    {
        var (email, userId, clientId, secret) = await _host!.AddTenantAsync(tenantId, name);
        return new TenantUnderTest(tenantId, email, PilotdeckTestHost.OwnerPassword, userId, clientId, secret);
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
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _http.Dispose();
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
