using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Pilotdeck.Client;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// The signed-in user's API access for one request: a <see cref="PilotdeckClient"/> holding the
/// tokens from the cookie. When the SDK refreshes them, the new set is written back into the
/// cookie before the response starts — refresh tokens are single-use, so losing it would sign the
/// user out on the next request.
/// </summary>
public sealed class PortalSession : IDisposable
{
    private readonly IHttpContextAccessor _accessor;
    private readonly PortalClientFactory _factory;
    private PilotdeckClient? _client;
    private TokenSet? _refreshed;

    public PortalSession(IHttpContextAccessor accessor, PortalClientFactory factory)
    {
        _accessor = accessor;
        _factory = factory;
    }

    public PortalUser? User { get; private set; }

    /// <summary>The API as the signed-in user. Only on pages that require sign-in.</summary>
    public PilotdeckClient Api => _client ?? throw new InvalidOperationException("No signed-in user on this request; the page must require sign-in.");

    /// <summary>Reads the cookie and prepares the client; false when there is no usable sign-in.</summary>
    internal async Task<bool> InitializeAsync(HttpContext http)
    {
        if (_client is not null)
        {
            return true;
        }

        var result = await http.AuthenticateAsync(PortalAuthentication.Scheme);
        var tokens = result.Succeeded ? PortalAuthentication.TokensOf(result.Properties) : null;
        var user = result.Succeeded ? PortalUser.From(result.Principal) : null;
        if (tokens is null || user is null)
        {
            return false;
        }

        User = user;
        _client = _factory.Create(PilotdeckCredentials.Tokens(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt), http);
        _client.TokensRefreshed += OnTokensRefreshed;
        return true;
    }

    private void OnTokensRefreshed(TokenSet tokens)
    {
        var http = _accessor.HttpContext;
        if (http is null)
        {
            return;
        }

        var first = _refreshed is null;
        _refreshed = tokens;
        if (first && !http.Response.HasStarted)
        {
            // Headers are still writable in OnStarting; the latest set wins if several refreshes happen.
            http.Response.OnStarting(() => PortalAuthentication.UpdateTokensAsync(http, _refreshed!));
        }
    }

    public void Dispose()
    {
        if (_client is not null)
        {
            _client.TokensRefreshed -= OnTokensRefreshed;
            _client.Dispose();
        }
    }
}
