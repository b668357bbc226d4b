using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace Pilotdeck.Server.Platform.Auth;

/// <param name="Principal">The token's claims; <c>null</c> when the token was refused.</param>
/// <param name="Expired">Refused only because it has expired (the caller should renew it).</param>
public sealed record AccessTokenValidation(ClaimsPrincipal? Principal, bool Expired = false);

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

    private readonly MemoryCache _valid = new(new MemoryCacheOptions { SizeLimit = 50_000 });

    public async Task<AccessTokenValidation> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (_valid.TryGetValue(token, out Entry? known) && known!.ExpiresAt > time.GetUtcNow())
        {
            return new AccessTokenValidation(known.Principal);
        }

        if (token.Length == 0)
        {
            return new AccessTokenValidation(null);
        }

        try
        {
            var principal = await validation.ValidateAccessTokenAsync(token, cancellationToken);
            if (principal.GetExpirationDate() is { } expiresAt)
            {
                _valid.Set(token, new Entry(principal, expiresAt), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });
            }

            return new AccessTokenValidation(principal);
        }
        catch (OpenIddictExceptions.ProtocolException ex)
        {
            return new AccessTokenValidation(null, Expired: ex.ErrorUri?.EndsWith(ExpiredErrorCode, StringComparison.Ordinal) == true);
        }
    }

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset ExpiresAt);
}
