using Microsoft.Extensions.Caching.Memory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

/// <summary>Claim names in Pilotdeck access tokens (RFC 9068 where it has a name for the thing).</summary>
public static class PilotdeckClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tenant";
    public const string Roles = "roles";
    public const string Scope = "scope";
    public const string ClientId = "client_id";
    public const string TokenId = "jti";
}

public sealed record AccessToken(string Token, string TokenId, DateTimeOffset ExpiresAt);

/// <param name="RefreshToken">Shown to the client once; only its hash is stored.</param>
public sealed record TokenPair(AccessToken Access, string RefreshToken, DateTimeOffset RefreshExpiresAt);

/// <summary>
/// Issues and validates access tokens (JWT, ES256, <c>typ: at+jwt</c>) and rotates refresh tokens.
/// Callers authenticate first with <see cref="UserAccounts"/> or <see cref="ApiClients"/>.
/// </summary>
public sealed class TokenService(
    PilotdeckDbContext db,
    TenantContext tenant,
    SigningKeyStore keys,
    IOptions<TokenServiceOptions> options,
    TimeProvider time,
    ValidatedTokenCache validated)
{
    public const string AccessTokenType = "at+jwt";
    private const string RefreshTokenPrefix = "pdr_";
    private static readonly JsonWebTokenHandler Handler = new();

    private TokenServiceOptions Options => options.Value;

    /// <summary>Client-credentials grant: an access token only, as RFC 6749 §4.4.3 advises.</summary>
    /// <param name="requestedScopes">A subset of the client's scopes; <c>null</c> grants all of them.</param>
    /// <exception cref="IdentityValidationException"><c>invalid_scope</c>: a requested scope was never granted.</exception>
    public Task<AccessToken> IssueForClientAsync(ApiClientRecord client, IEnumerable<string>? requestedScopes = null, CancellationToken cancellationToken = default)
    {
        var scopes = requestedScopes?.Distinct(StringComparer.Ordinal).ToList() ?? [.. client.ScopeList];
        if (scopes.Except(client.ScopeList, StringComparer.Ordinal).Any())
        {
            throw new IdentityValidationException(["invalid_scope"]);
        }
        return IssueAccessTokenAsync(client.ClientId, client.TenantId, roles: [], scopes, client.ClientId, cancellationToken);
    }

    /// <summary>
    /// Starts a signed-in session of <paramref name="user"/> in <paramref name="tenantId"/> and binds
    /// the current scope to that tenant.
    /// </summary>
    /// <exception cref="IdentityValidationException"><c>not_a_member</c>: the user has no role in the tenant.</exception>
    public async Task<TokenPair> IssueForUserAsync(User user, string tenantId, CancellationToken cancellationToken = default)
    {
        tenant.Bind(tenantId);
        var membership = await db.Memberships.AsNoTracking().SingleOrDefaultAsync(m => m.UserId == user.Id, cancellationToken)
            ?? throw new IdentityValidationException(["not_a_member"]);
        // Whole seconds: the expiry is reported to clients again on every refresh, and the providers
        // store sub-second fractions with different precision.
        var now = time.GetUtcNow();
        var refreshExpiry = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)) + Options.RefreshTokenLifetime;
        return await IssuePairAsync(user.Id, membership.Role, Secrets.NewId(), refreshExpiry, cancellationToken);
    }

    /// <summary>
    /// Exchanges a refresh token for a new pair and consumes it. Presenting a consumed token means it
    /// was stolen or replayed, so the whole chain is revoked (OAuth 2.0 Security BCP §4.14).
    /// Role changes, disabling and lockout take effect here.
    /// </summary>
    /// <returns><c>null</c> when the token is unknown, expired, consumed, revoked, or its user may no longer sign in.</returns>
    public async Task<TokenPair?> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        var hash = Secrets.Hash(refreshToken);
        // The token names its tenant; nothing is bound yet at the token endpoint.
        var stored = await db.RefreshTokens.AsNoTracking()
            .IgnoreQueryFilters([PilotdeckDbContext.TenantFilter])
            .SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = time.GetUtcNow();
        if (stored is null || stored.ExpiresAt <= now)
        {
            return null;
        }
        tenant.Bind(stored.TenantId);

        // A conditional update, so that of two concurrent refreshes with one token only one wins.
        var consumed = await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.ConsumedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        if (consumed == 0)
        {
            await RevokeFamilyAsync(stored.FamilyId, cancellationToken);
            return null;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == stored.UserId, cancellationToken);
        var membership = await db.Memberships.AsNoTracking().SingleOrDefaultAsync(m => m.UserId == stored.UserId, cancellationToken);
        if (user is null || user.Disabled || user.LockoutEnd > now || membership is null)
        {
            await RevokeFamilyAsync(stored.FamilyId, cancellationToken);
            return null;
        }
        return await IssuePairAsync(user.Id, membership.Role, stored.FamilyId, stored.ExpiresAt, cancellationToken);
    }

    /// <summary>
    /// Ends the sign-in the refresh token belongs to (sign-out, RFC 7009 revocation): that token
    /// and every one refreshed from it stop working. Access tokens already issued run out on their
    /// own. Binds the scope to the token's tenant, as <see cref="RefreshAsync"/> does.
    /// </summary>
    /// <returns>Whether the token was known; an unknown or malformed one changes nothing.</returns>
    public async Task<bool> RevokeAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        var hash = Secrets.Hash(refreshToken);
        // Like a refresh, revocation arrives before any tenant is bound: the token names its tenant.
        var stored = await db.RefreshTokens.AsNoTracking()
            .IgnoreQueryFilters([PilotdeckDbContext.TenantFilter])
            .Where(t => t.TokenHash == hash)
            .Select(t => new { t.TenantId, t.FamilyId })
            .SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return false;
        }

        tenant.Bind(stored.TenantId);
        await RevokeFamilyAsync(stored.FamilyId, cancellationToken);
        return true;
    }

    /// <summary>Parameters that accept only Pilotdeck access tokens: ES256 by a stored key, right issuer, audience and type, unexpired.</summary>
    public async Task<TokenValidationParameters> CreateValidationParametersAsync(CancellationToken cancellationToken = default)
        => new()
        {
            ValidIssuer = Options.Issuer,
            ValidAudience = Options.Audience,
            IssuerSigningKeys = await keys.GetValidationKeysAsync(cancellationToken),
            ValidAlgorithms = [SigningKeyStore.Algorithm],
            ValidTypes = [AccessTokenType],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = Options.ClockSkew,
            NameClaimType = PilotdeckClaims.Subject,
            RoleClaimType = PilotdeckClaims.Roles,
        };

    public async Task<TokenValidationResult> ValidateAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        if (validated.TryGet(accessToken) is { } known)
        {
            return known;
        }

        var result = await Handler.ValidateTokenAsync(accessToken, await CreateValidationParametersAsync(cancellationToken));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException && keys.TryRefreshCache())
        {
            // The token names a key this host has not cached yet (created by another instance): reload once.
            result = await Handler.ValidateTokenAsync(accessToken, await CreateValidationParametersAsync(cancellationToken));
        }

        if (result.IsValid && result.SecurityToken is { } token)
        {
            validated.Add(accessToken, result, new DateTimeOffset(token.ValidTo, TimeSpan.Zero));
        }

        return result;
    }

    private async Task<TokenPair> IssuePairAsync(string userId, MemberRole role, string familyId, DateTimeOffset refreshExpiry, CancellationToken cancellationToken)
    {
        var access = await IssueAccessTokenAsync(userId, tenant.TenantId!, [role.ToClaimValue()], scopes: [], clientId: null, cancellationToken);
        var refresh = Secrets.New(RefreshTokenPrefix);
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Secrets.NewId(),
            UserId = userId,
            FamilyId = familyId,
            TokenHash = Secrets.Hash(refresh),
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = refreshExpiry,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new TokenPair(access, refresh, refreshExpiry);
    }

    private async Task<AccessToken> IssueAccessTokenAsync(
        string subject, string tenantId, IReadOnlyList<string> roles, IReadOnlyList<string> scopes, string? clientId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = now + Options.AccessTokenLifetime;
        var jti = Secrets.NewId();
        var claims = new Dictionary<string, object>
        {
            [PilotdeckClaims.Subject] = subject,
            [PilotdeckClaims.Tenant] = tenantId,
            [PilotdeckClaims.TokenId] = jti,
            [PilotdeckClaims.Roles] = roles.ToArray(),
        };
        if (scopes.Count > 0)
        {
            claims[PilotdeckClaims.Scope] = string.Join(' ', scopes);
        }
        if (clientId is not null)
        {
            claims[PilotdeckClaims.ClientId] = clientId;
        }

        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Options.Issuer,
            Audience = Options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            TokenType = AccessTokenType,
            SigningCredentials = await keys.GetSigningCredentialsAsync(cancellationToken),
        });
        return new AccessToken(token, jti, expires);
    }

    private Task RevokeFamilyAsync(string familyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.RefreshTokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }
}

/// <summary>
/// Access tokens this host has already verified, until they expire. The signature check costs far
/// more than the call it guards, and a token's claims cannot change; whether its principal is still
/// active is checked on every call regardless, so revocation stays immediate.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider time)
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 50_000 });

    public TokenValidationResult? TryGet(string token) =>
        _cache.TryGetValue(token, out Entry? entry) && entry!.ExpiresAt > time.GetUtcNow() ? entry.Result : null;

    public void Add(string token, TokenValidationResult result, DateTimeOffset expiresAt) =>
        _cache.Set(token, new Entry(result, expiresAt), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset ExpiresAt);
}
