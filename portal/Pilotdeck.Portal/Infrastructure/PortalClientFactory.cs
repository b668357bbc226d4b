using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Client;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Builds a <see cref="PilotdeckClient"/> per use. Clients are cheap wrappers; the HTTP/2
/// connections live in one shared handler so a page view does not open a new connection.
/// </summary>
public sealed class PortalClientFactory : IDisposable
{
    private readonly PortalOptions _options;
    private readonly IServiceProvider _services;
    private readonly SocketsHttpHandler _connections = new()
    {
        // Long-lived pools must still notice DNS changes of the API host.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        EnableMultipleHttp2Connections = true,
    };

    private Uri? _resolvedApiUrl;

    public PortalClientFactory(PortalOptions options, IServiceProvider services)
    {
        _options = options;
        _services = services;
    }

    public PilotdeckClient Create(PilotdeckCredentials credentials, HttpContext http) =>
        PilotdeckClient.Create(new PilotdeckClientOptions
        {
            ServerUrl = ApiUrlFor(http),
            Credentials = credentials,
            DefaultDeadline = _options.ApiDeadline,
            // The SDK leaves a handler it was given open, so one pool serves every request's client
            // (the per-request wrapper is never disposed, so it never disposes the pool).
            HttpHandler = new ApprovalIdHandler(http) { InnerHandler = _connections },
        });

    /// <summary>
    /// The configured API URL; a port of 0 (tests, or "any free port") names this host's other
    /// endpoint, which is only known once Kestrel is listening: the bound address that is not the
    /// one this request came in on.
    /// </summary>
    internal Uri ApiUrlFor(HttpContext http)
    {
        if (_options.ApiUrl.Port != 0)
        {
            return _options.ApiUrl;
        }

        if (_resolvedApiUrl is { } resolved)
        {
            return resolved;
        }

        var addresses = _services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var other = addresses.Select(a => new Uri(a)).FirstOrDefault(a => a.Port != http.Connection.LocalPort)
            ?? throw new InvalidOperationException($"{PortalOptions.ApiUrlKey} has port 0 but this host listens on no other endpoint; set it to the API's URL.");
        _resolvedApiUrl = new UriBuilder(_options.ApiUrl) { Port = other.Port }.Uri;
        return _resolvedApiUrl;
    }

    /// <summary>
    /// Approves a CLI's device sign-in (RFC 8628) at the API's verification endpoint, as the user
    /// whose access token this is, for <paramref name="tenantId"/>.
    /// </summary>
    /// <returns><c>null</c> when approved, else the API's reason.</returns>
    public async Task<string?> ApproveDeviceSignInAsync(HttpContext http, string accessToken, string userCode, string tenantId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiUrlFor(http), "/oauth2/device/verify"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new FormUrlEncodedContent([new("user_code", userCode), new("tenant", tenantId)]),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var invoker = new HttpMessageInvoker(_connections, disposeHandler: false);
        using var response = await invoker.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error_description", out var description) ? description.GetString() : $"HTTP {(int)response.StatusCode}";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"HTTP {(int)response.StatusCode}";
        }
    }

    public void Dispose() => _connections.Dispose();
}
