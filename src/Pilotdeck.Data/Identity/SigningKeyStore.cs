using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Pilotdeck.Data.Identity;

/// <summary>
/// The persisted ES256 keys that sign access tokens. The first signing request creates a key; all
/// stored keys validate and are published, so a key added later (by rotation, or by two instances
/// racing on first use) never invalidates tokens already issued.
/// </summary>
public sealed class SigningKeyStore(PilotdeckDbContext db, TimeProvider time, SigningKeyCache cache)
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    /// <summary>Credentials for the newest key, creating one if the store is empty.</summary>
    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var newest = await db.SigningKeys.AsNoTracking()
            .OrderByDescending(k => k.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken)
            ?? await CreateAsync(cancellationToken);
        return new SigningCredentials(ToSecurityKey(newest), Algorithm);
    }

    /// <summary>
    /// The keys tokens may be signed with. Served from a per-host cache: validating a token is on
    /// every call's path, and loading plus importing the keys costs far more than the check itself.
    /// </summary>
    public async Task<IReadOnlyList<ECDsaSecurityKey>> GetValidationKeysAsync(CancellationToken cancellationToken = default)
    {
        if (cache.TryGet() is { } cached)
        {
            return cached;
        }

        var keys = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        var loaded = keys.Select(ToSecurityKey).ToList();
        cache.Set(loaded);
        return loaded;
    }

    /// <summary>
    /// Forgets cached keys when a token names a key another instance may have created since. At most
    /// every 30 s, so tokens with made-up key ids cannot turn every call into a key reload.
    /// </summary>
    public bool TryRefreshCache() => cache.InvalidateIfOlderThan(TimeSpan.FromSeconds(30));

    /// <summary>The RFC 7517 JWK Set of the public keys, as served at <c>/.well-known/jwks.json</c>.</summary>
    public async Task<string> GetJwksJsonAsync(CancellationToken cancellationToken = default)
    {
        var keys = await GetValidationKeysAsync(cancellationToken);
        var jwks = keys.Select(k =>
        {
            // Export the public half only: the private scalar must never reach the document.
            var p = k.ECDsa.ExportParameters(includePrivateParameters: false);
            return new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["use"] = "sig",
                ["alg"] = Algorithm,
                ["kid"] = k.KeyId,
                ["crv"] = "P-256",
                ["x"] = Base64UrlEncoder.Encode(p.Q.X),
                ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            };
        });
        return JsonSerializer.Serialize(new { keys = jwks });
    }

    private async Task<SigningKey> CreateAsync(CancellationToken cancellationToken)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new SigningKey
        {
            Id = Secrets.NewId(),
            Algorithm = Algorithm,
            PrivateKey = ecdsa.ExportPkcs8PrivateKey(),
            CreatedAt = time.GetUtcNow(),
        };
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(key).State = EntityState.Detached;
        cache.Invalidate();
        return key;
    }

    private static ECDsaSecurityKey ToSecurityKey(SigningKey key)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(key.PrivateKey, out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = key.Id };
    }
}

/// <summary>
/// Parsed validation keys shared by all calls of one host (a singleton). Entries expire after five
/// minutes so a key added by another instance is picked up even without a cache miss.
/// </summary>
public sealed class SigningKeyCache(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private volatile Entry? _entry;

    public IReadOnlyList<ECDsaSecurityKey>? TryGet() =>
        _entry is { } entry && time.GetUtcNow() - entry.LoadedAt < Lifetime ? entry.Keys : null;

    public void Set(IReadOnlyList<ECDsaSecurityKey> keys) => _entry = new Entry(keys, time.GetUtcNow());

    public void Invalidate() => _entry = null;

    public bool InvalidateIfOlderThan(TimeSpan age)
    {
        if (_entry is { } entry && time.GetUtcNow() - entry.LoadedAt < age)
        {
            return false;
        }

        _entry = null;
        return true;
    }

    private sealed record Entry(IReadOnlyList<ECDsaSecurityKey> Keys, DateTimeOffset LoadedAt);
}
