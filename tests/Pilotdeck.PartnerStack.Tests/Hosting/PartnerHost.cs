using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.TestSupport;

namespace Pilotdeck.PartnerStack.Tests.Hosting;

/// <summary>
/// The real host in-process (PilotdeckTestHost: the run command's own wiring, on a free loopback
/// h2c port) with one API client holding every scope a partner integration uses, so a single
/// token can read identity, create members and upload to Guardian.
/// </summary>
public class PartnerHost : IAsyncLifetime
{
    public static readonly string[] PartnerScopes = ["identity.read", "identity.admin", "guardian.read", "guardian.write", "imports.read", "imports.write"];

    private readonly HttpClient _http = new(new SocketsHttpHandler());
    private PilotdeckTestHost? _host;
    private Task<string>? _token;

    /// <summary>Host settings as <c>Key=Value</c>, for fixtures that need other limits.</summary>
    protected virtual IEnumerable<string> Settings => [];

    protected virtual DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public PilotdeckTestHost Host => _host!;

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address => Host.Address;

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>, as buf curl and grpc-js take it.</summary>
    public string BaseUrl => Address.ToString().TrimEnd('/');

    public string TenantId => Host.TenantId;

    public string ClientId { get; private set; } = null!;

    public string ClientSecret { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await PilotdeckTestHost.StartAsync(Settings, provider: Provider);
        await using var scope = _host.Services.CreateTenantScope(_host.TenantId);
        var issued = await scope.ServiceProvider.GetRequiredService<ApiClients>().CreateAsync("partner-peer", PartnerScopes);
        ClientId = issued.Client.ClientId;
        ClientSecret = issued.Secret;
    }

    /// <summary>The partner client's access token from POST /oauth2/token, fetched once per host.</summary>
    public Task<string> TokenAsync() => _token ??= RequestTokenAsync();

    private async Task<string> RequestTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, "/oauth2/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = ClientId,
                ["client_secret"] = ClientSecret,
            }),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<Metadata> BearerAsync() => new() { { "authorization", "Bearer " + await TokenAsync() } };

    /// <summary>A channel over its own connection pool, whose TCP connections <paramref name="connections"/> counts.</summary>
    public GrpcChannel CreateChannel(out ConnectionCounter connections)
    {
        connections = new ConnectionCounter();
        return GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            HttpHandler = connections.CreateHandler(),
            DisposeHttpClient = true,
            // Leave request size limits to the server: the tests probe its 4 MiB limit.
            MaxSendMessageSize = null,
            MaxReceiveMessageSize = null,
        });
    }

    public virtual async Task DisposeAsync()
    {
        _http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>The partner host over PostgreSQL, the second provider.</summary>
public sealed class PostgresPartnerHost : PartnerHost
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
