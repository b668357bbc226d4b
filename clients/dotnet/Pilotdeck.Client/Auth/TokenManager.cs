namespace Pilotdeck.Client;

/// <summary>
/// Holds the current tokens: obtains them on first use, renews them ahead of expiry, and lets only
/// one renewal run at a time (the others wait for its result) because refresh tokens are single-use.
/// </summary>
internal sealed class TokenManager
{
    /// <summary>How long before expiry a token is renewed, at most.</summary>
    public static readonly TimeSpan MaxRefreshAhead = TimeSpan.FromSeconds(60);

    private readonly PilotdeckCredentials _credentials;
    private readonly TokenEndpoint _endpoint;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile HeldTokens? _current;
    private bool _signedOut;

    public TokenManager(PilotdeckCredentials credentials, TokenEndpoint endpoint)
    {
        _credentials = credentials;
        _endpoint = endpoint;
        _current = credentials.Initial;
    }

    /// <summary>The tokens held right now, without renewing; null before the first grant or after sign-out.</summary>
    public TokenSet? Current => _current?.Tokens;

    /// <summary>Raised after new tokens arrive from the token endpoint, outside the lock.</summary>
    public event Action<TokenSet>? Obtained;

    /// <summary>Current tokens, renewed first when they are missing or near expiry.</summary>
    public Task<TokenSet> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        return current is not null && !current.NeedsRenewal(DateTimeOffset.UtcNow)
            ? Task.FromResult(current.Tokens)
            : RenewAsync(rejected: null, cancellationToken);
    }

    /// <summary>
    /// Renews because the server rejected <paramref name="rejected"/> as expired, whatever our clock
    /// says. If another call renewed meanwhile, its result is used instead of renewing again.
    /// </summary>
    public Task<TokenSet> RenewRejectedAsync(TokenSet rejected, CancellationToken cancellationToken) => RenewAsync(rejected, cancellationToken);

    private async Task<TokenSet> RenewAsync(TokenSet? rejected, CancellationToken cancellationToken)
    {
        HeldTokens renewed;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_signedOut)
            {
                throw new InvalidOperationException("This client has signed out; create a new client to sign in again.");
            }

            var current = _current;
            if (current is not null && !current.NeedsRenewal(DateTimeOffset.UtcNow) && (rejected is null || current.Tokens.AccessToken != rejected.AccessToken))
            {
                return current.Tokens;
            }

            var next = await ObtainAsync(current, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                // Nothing to renew with: let the server be the judge of the token we have.
                return current!.Tokens;
            }

            _current = renewed = next;
        }
        finally
        {
            _gate.Release();
        }

        Obtained?.Invoke(renewed.Tokens);
        return renewed.Tokens;
    }

    /// <summary>
    /// Forgets the tokens and ends their sign-in on the server when there is a refresh token. From
    /// then on every renewal throws, so the credentials are not used to sign in again behind the
    /// caller's back. Signing out twice does nothing the second time.
    /// </summary>
    public async Task SignOutAsync(CancellationToken cancellationToken)
    {
        HeldTokens? ended;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ended = _current;
            _current = null;
            _signedOut = true;
        }
        finally
        {
            _gate.Release();
        }

        if (ended?.Tokens.RefreshToken is { } refreshToken)
        {
            await _endpoint.RevokeAsync(refreshToken, _credentials.ClientId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HeldTokens?> ObtainAsync(HeldTokens? current, CancellationToken cancellationToken)
    {
        if (current?.Tokens.RefreshToken is { } refreshToken)
        {
            try
            {
                var refreshed = await _endpoint.RefreshAsync(refreshToken, _credentials.ClientId, cancellationToken).ConfigureAwait(false);
                // The server rotates refresh tokens; should one ever not, keep the one we have.
                return refreshed.Tokens.RefreshToken is null ? refreshed with { Tokens = refreshed.Tokens with { RefreshToken = refreshToken } } : refreshed;
            }
            catch (PilotdeckAuthException) when (_credentials.CanGrantAgain)
            {
                // The refresh chain ended (expired, revoked, used elsewhere); the original grant still works.
            }
        }

        return _credentials.CanGrantAgain ? await _credentials.GrantAsync(_endpoint, cancellationToken).ConfigureAwait(false) : null;
    }
}
