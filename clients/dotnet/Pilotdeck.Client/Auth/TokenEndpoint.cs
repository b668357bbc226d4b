using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Pilotdeck.Client;

/// <summary>
/// The server's OAuth2 token endpoint (<c>POST /oauth2/token</c>) and revocation endpoint
/// (<c>POST /oauth2/revoke</c>). They are served on the gRPC port, which speaks HTTP/2 only (h2c
/// on http://), so every request insists on HTTP/2.
/// </summary>
internal sealed class TokenEndpoint
{
    public const string Path = "/oauth2/token";
    public const string RevocationPath = "/oauth2/revoke";

    private readonly HttpMessageInvoker _http;
    private readonly Uri _address;
    private readonly Uri _revocation;

    public TokenEndpoint(HttpMessageInvoker http, Uri serverUrl)
    {
        _http = http;
        _address = new Uri(serverUrl, Path);
        _revocation = new Uri(serverUrl, RevocationPath);
    }

    public Task<HeldTokens> ClientCredentialsAsync(string clientId, string clientSecret, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', scopes)));
        }

        // client_secret_basic, as RFC 6749 §2.3.1 asks: each part form-encoded, then base64.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret)));
        return SendAsync(form, new AuthenticationHeaderValue("Basic", basic), cancellationToken);
    }

    public Task<HeldTokens> PasswordAsync(string email, string password, string? tenantId, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "password"), new("username", email), new("password", password) };
        if (tenantId is not null)
        {
            form.Add(new("tenant", tenantId));
        }

        return SendAsync(form, null, cancellationToken);
    }

    /// <summary>Renews with a refresh token; <paramref name="clientId"/> names the public client it was issued to, if any.</summary>
    public Task<HeldTokens> RefreshAsync(string refreshToken, string? clientId, CancellationToken cancellationToken) =>
        SendAsync(WithClientId([new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], clientId), null, cancellationToken);

    /// <summary>Ends the sign-in <paramref name="refreshToken"/> belongs to (RFC 7009).</summary>
    public async Task RevokeAsync(string refreshToken, string? clientId, CancellationToken cancellationToken) =>
        await PostAsync(_revocation, WithClientId([new("token", refreshToken), new("token_type_hint", "refresh_token")], clientId), null, cancellationToken).ConfigureAwait(false);

    private static List<KeyValuePair<string, string>> WithClientId(List<KeyValuePair<string, string>> form, string? clientId)
    {
        if (clientId is not null)
        {
            form.Add(new("client_id", clientId));
        }

        return form;
    }

    private async Task<HeldTokens> SendAsync(IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        var sentAt = DateTimeOffset.UtcNow;
        var json = await PostAsync(_address, form, authorization, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException($"The token endpoint {_address} answered without a JSON body.");
        if (!json.TryGetProperty("access_token", out var access) || access.ValueKind != JsonValueKind.String
            || !json.TryGetProperty("expires_in", out var expiresIn) || !expiresIn.TryGetInt64(out var seconds))
        {
            throw new HttpRequestException($"The token endpoint {_address} answered without access_token and expires_in.");
        }

        var refresh = json.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        // Measured from when the request was sent, so network time can only make us renew early.
        var lifetime = TimeSpan.FromSeconds(seconds);
        return new HeldTokens(new TokenSet(access.GetString()!, sentAt + lifetime, refresh), HeldTokens.WindowFor(lifetime));
    }

    /// <summary>Posts a form; the JSON answer, or null for an empty one. OAuth errors become <see cref="PilotdeckAuthException"/>.</summary>
    private async Task<JsonElement?> PostAsync(Uri address, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonElement? json = null;
        if (body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new HttpRequestException($"{address} answered HTTP {(int)response.StatusCode} with a body that is not JSON.", null, response.StatusCode);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            if (json is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                var description = problem.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
                throw new PilotdeckAuthException(error.GetString()!, description);
            }

            throw new HttpRequestException($"{address} answered HTTP {(int)response.StatusCode}.", null, response.StatusCode);
        }

        return json;
    }
}
