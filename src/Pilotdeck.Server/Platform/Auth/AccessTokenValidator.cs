using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace Pilotdeck.Server.Platform.Auth;

/// <param name="Principal">The token's claims; <c>null</c> when the token was refused.</param>
/// <param name="Expired">Refused only because it has expired (the caller should renew it).</param>
public sealed record AccessTokenValidation(ClaimsPrincipal? Principal, bool Expired = false)
{
    /// <summary>The claims every call needs, read from <see cref="Principal"/> once per token instead of searched on every call.</summary>
    public TokenClaims? Claims { get; } = Principal is null ? null : TokenClaims.From(Principal);
}

/// <param name="Subject">The user id, or the client id of a client-credentials token.</param>
/// <param name="ClientId">The client the token was issued to (for a user, the app they used).</param>
public sealed record TokenClaims(string? TenantId, string? Subject, string? ClientId, IReadOnlyList<string> Scopes)
{
    public static TokenClaims From(ClaimsPrincipal principal) => new(
        principal.GetClaim(PilotdeckClaims.Tenant),
        principal.GetClaim(PilotdeckClaims.Subject),
        principal.GetClaim(PilotdeckClaims.ClientId),
        [.. principal.GetScopes()]);
}

/// <summary>
/// Validates access tokens with OpenIddict (signature by a server key, issuer, audience, type,
/// lifetime) and remembers valid ones until they expire: the check costs far more than the call
/// it guards, and a token's claims cannot change. Whether its principal is still active is checked
/// on every call regardless (<see cref="AccessPolicyInterceptor"/>), so revocation stays immediate.
/// </summary>
public sealed class AccessTokenValidator(OpenIddictValidationService validation, TimeProvider time)
{
    /// <summary>OpenIddict's error code for a token past its expiry.</summary>
    private const string ExpiredErrorCode = "ID2019";

    /// <summary>Valid tokens remembered at most; past it, the expired ones are dropped, then all if need be.</summary>
    private const int MaxRemembered = 50_000;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    // Looked up by the header's own characters: no copy of a ~600-character token per call.
    private readonly ConcurrentDictionary<string, Entry> _valid = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep;

    /// <summary>
    /// The token of a request's <c>authorization: Bearer &lt;token&gt;</c> header (its last value when
    /// sent more than once); empty when there is none.
    /// </summary>
    public static ReadOnlyMemory<char> BearerToken(StringValues authorization)
    {
        const string prefix = "Bearer ";
        var header = authorization.Count == 0 ? null : authorization[authorization.Count - 1];
        return header is not null && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? header.AsMemory(prefix.Length).Trim()
            : ReadOnlyMemory<char>.Empty;
    }

    public ValueTask<AccessTokenValidation> ValidateAsync(ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        if (token.IsEmpty)
        {
            return ValueTask.FromResult(new AccessTokenValidation(null));
        }

        var remembered = _valid.GetAlternateLookup<ReadOnlySpan<char>>();
        return remembered.TryGetValue(token.Span, out var known) && known.ExpiresAt > time.GetUtcNow()
            ? ValueTask.FromResult(known.Validation)
            : new ValueTask<AccessTokenValidation>(ValidateAndRememberAsync(token.ToString(), cancellationToken));
    }

    private async Task<AccessTokenValidation> ValidateAndRememberAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            var principal = await validation.ValidateAccessTokenAsync(token, cancellationToken);
            var valid = new AccessTokenValidation(principal);
            if (principal.GetExpirationDate() is { } expiresAt)
            {
                Remember(token, new Entry(valid, expiresAt));
            }

            return valid;
        }
        catch (OpenIddictExceptions.ProtocolException ex)
        {
            return new AccessTokenValidation(null, Expired: ex.ErrorUri?.EndsWith(ExpiredErrorCode, StringComparison.Ordinal) == true);
        }
    }

    private void Remember(string token, Entry entry)
    {
        var now = time.GetUtcNow();
        if (now >= _nextSweep || _valid.Count >= MaxRemembered)
        {
            _nextSweep = now + SweepInterval;
            foreach (var (key, value) in _valid)
            {
                if (value.ExpiresAt <= now)
                {
                    _valid.TryRemove(key, out _);
                }
            }

            if (_valid.Count >= MaxRemembered)
            {
                _valid.Clear();
            }
        }

        _valid[token] = entry;
    }

    private sealed record Entry(AccessTokenValidation Validation, DateTimeOffset ExpiresAt);
}
