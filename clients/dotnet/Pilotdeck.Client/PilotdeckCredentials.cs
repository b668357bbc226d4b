using System.Text;
using System.Text.Json;

namespace Pilotdeck.Client;

/// <summary>
/// How a <see cref="PilotdeckClient"/> gets its access tokens from the server's OAuth2 token
/// endpoint. Create one with <see cref="ClientCredentials"/>, <see cref="Password"/> or <see cref="Tokens"/>.
/// </summary>
public abstract class PilotdeckCredentials
{
    private protected PilotdeckCredentials()
    {
    }

    /// <summary>
    /// An API client (partner systems, scripts): the <c>client_credentials</c> grant. When the
    /// access token nears expiry the grant simply runs again; API clients get no refresh token.
    /// </summary>
    /// <param name="clientId">The API client's id.</param>
    /// <param name="clientSecret">Its secret, as shown once by create or rotate.</param>
    /// <param name="scopes">Scopes to ask for; default <c>null</c>: every scope the client was granted.</param>
    public static PilotdeckCredentials ClientCredentials(string clientId, string clientSecret, IEnumerable<string>? scopes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        return new ClientCredentialsGrant(clientId, clientSecret, scopes?.ToArray() ?? []);
    }

    /// <summary>
    /// A user (first-party apps such as the portal and CLI): the <c>password</c> grant, once; later
    /// tokens come from the refresh token it returns. The password is kept in memory only, to sign in
    /// again should the refresh chain end.
    /// </summary>
    /// <param name="email">The user's email.</param>
    /// <param name="password">The user's password.</param>
    /// <param name="tenantId">The tenant to act in; default <c>null</c>: the user's first tenant.</param>
    public static PilotdeckCredentials Password(string email, string password, string? tenantId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(email);
        ArgumentNullException.ThrowIfNull(password);
        return new PasswordGrant(email, password, string.IsNullOrEmpty(tenantId) ? null : tenantId);
    }

    /// <summary>
    /// Tokens obtained earlier (e.g. kept in the portal's auth cookie or the CLI's profile). With a
    /// refresh token the client renews the access token itself; listen to
    /// <see cref="PilotdeckClient.TokensRefreshed"/> to persist the rotated tokens. Without one,
    /// calls fail with UNAUTHENTICATED (reason <c>TOKEN_EXPIRED</c>) once the access token expires.
    /// </summary>
    /// <param name="accessToken">The access token; empty to start with a refresh.</param>
    /// <param name="refreshToken">The refresh token; default <c>null</c>: none.</param>
    /// <param name="accessTokenExpiresAt">When the access token expires; default <c>null</c>: read from the JWT's <c>exp</c> claim.</param>
    /// <param name="clientId">
    /// The public client the tokens were issued to (e.g. <c>pilotdeck-cli</c> after a device sign-in),
    /// sent with every refresh and revocation as RFC 6749 §6 asks; default <c>null</c>: none.
    /// </param>
    public static PilotdeckCredentials Tokens(string accessToken, string? refreshToken = null, DateTimeOffset? accessTokenExpiresAt = null, string? clientId = null)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        if (accessToken.Length == 0 && string.IsNullOrEmpty(refreshToken))
        {
            throw new ArgumentException("Give an access token, a refresh token or both.", nameof(accessToken));
        }

        var expiresAt = accessToken.Length == 0
            ? DateTimeOffset.MinValue
            : accessTokenExpiresAt ?? JwtLifetime.ExpiryOf(accessToken) ?? DateTimeOffset.MaxValue;
        return new StoredTokens(new TokenSet(accessToken, expiresAt, string.IsNullOrEmpty(refreshToken) ? null : refreshToken), JwtLifetime.RefreshWindowOf(accessToken), clientId);
    }

    /// <summary>Tokens to start with, before asking the token endpoint; null when the credentials are a grant.</summary>
    internal virtual HeldTokens? Initial => null;

    /// <summary>The public client refresh tokens are bound to, if any.</summary>
    internal virtual string? ClientId => null;

    /// <summary>Whether the original grant can run again when there is no usable refresh token.</summary>
    internal abstract bool CanGrantAgain { get; }

    /// <summary>Runs the credentials' own grant.</summary>
    internal abstract Task<HeldTokens> GrantAsync(TokenEndpoint endpoint, CancellationToken cancellationToken);

    private sealed class ClientCredentialsGrant(string clientId, string clientSecret, string[] scopes) : PilotdeckCredentials
    {
        internal override bool CanGrantAgain => true;

        internal override Task<HeldTokens> GrantAsync(TokenEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.ClientCredentialsAsync(clientId, clientSecret, scopes, cancellationToken);
    }

    private sealed class PasswordGrant(string email, string password, string? tenantId) : PilotdeckCredentials
    {
        internal override bool CanGrantAgain => true;

        internal override Task<HeldTokens> GrantAsync(TokenEndpoint endpoint, CancellationToken cancellationToken) =>
            endpoint.PasswordAsync(email, password, tenantId, cancellationToken);
    }

    private sealed class StoredTokens(TokenSet tokens, TimeSpan refreshWindow, string? clientId) : PilotdeckCredentials
    {
        internal override HeldTokens Initial { get; } = new(tokens, refreshWindow);

        internal override string? ClientId => clientId;

        internal override bool CanGrantAgain => false;

        internal override Task<HeldTokens> GrantAsync(TokenEndpoint endpoint, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Stored tokens have no grant to run again.");
    }
}

/// <summary>A token set and how long before its expiry it should be renewed.</summary>
internal sealed record HeldTokens(TokenSet Tokens, TimeSpan RefreshWindow)
{
    /// <summary>Renew at most 60 s ahead, and never earlier than half-way through a short lifetime (else every call would refresh).</summary>
    public static TimeSpan WindowFor(TimeSpan lifetime) =>
        lifetime <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(TokenManager.MaxRefreshAhead.Ticks, lifetime.Ticks / 2));

    public bool NeedsRenewal(DateTimeOffset now) =>
        Tokens.ExpiresAt != DateTimeOffset.MaxValue && (Tokens.ExpiresAt <= now || Tokens.ExpiresAt - now <= RefreshWindow);
}

/// <summary>Reads <c>iat</c>/<c>exp</c> from a JWT's payload, without validating it: the server does that.</summary>
internal static class JwtLifetime
{
    public static DateTimeOffset? ExpiryOf(string jwt) => Claim(jwt, "exp") is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;

    public static TimeSpan RefreshWindowOf(string jwt) =>
        Claim(jwt, "iat") is { } iat && Claim(jwt, "exp") is { } exp
            ? HeldTokens.WindowFor(TimeSpan.FromSeconds(exp - iat))
            : TokenManager.MaxRefreshAhead;

    private static long? Claim(string jwt, string name)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return json.RootElement.TryGetProperty(name, out var value) && value.TryGetInt64(out var seconds) ? seconds : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
