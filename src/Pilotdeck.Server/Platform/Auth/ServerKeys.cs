using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// The token server's persisted keys (table <c>signing_keys</c>, private parts protected with Data
/// Protection): ES256 keys that sign, one AES key that encrypts the tokens only this server reads.
/// OpenIddict takes them from here whenever its options are built: the newest key in effect signs,
/// every stored key validates and is published in the JWKS. Rotation (<see cref="RotateAsync"/>)
/// stores the next key ahead of use and removes a retired one only after its last token expired.
/// </summary>
public sealed class ServerKeys(
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    IOptions<TokenOptions> options,
    TimeProvider time,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptionsCache,
    IOptionsMonitorCache<OpenIddict.Validation.OpenIddictValidationOptions> validationOptionsCache)
{
    /// <summary>How far ahead of use a rotated-in key is published, so every instance knows it before it signs.</summary>
    public static readonly TimeSpan PublishAhead = TimeSpan.FromDays(1);

    private IDataProtector Protector => protection.CreateProtector("Pilotdeck.TokenServer.Keys.v1");

    /// <summary>Adds the stored keys to OpenIddict's options, creating the first ones on first use.</summary>
    public void Configure(OpenIddictServerOptions server)
    {
        var keys = LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        var now = time.GetUtcNow();
        // OpenIddict signs with the first signing credential: the newest key already in effect.
        foreach (var key in keys.Where(k => k.Algorithm == SigningKey.SigningAlgorithm)
                     .OrderBy(k => k.CreatedAt <= now ? 0 : 1).ThenByDescending(k => k.CreatedAt))
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Protector.Unprotect(key.PrivateKey), out _);
            server.SigningCredentials.Add(new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = key.Id }, SecurityAlgorithms.EcdsaSha256));
        }

        foreach (var key in keys.Where(k => k.Algorithm == SigningKey.EncryptionAlgorithm).OrderByDescending(k => k.CreatedAt))
        {
            server.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(Protector.Unprotect(key.PrivateKey)) { KeyId = key.Id },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    /// <summary>
    /// The daily rotation: when the signing key in effect is older than
    /// <see cref="TokenOptions.SigningKeyRotation"/> and no successor waits, stores one that takes
    /// over after <see cref="PublishAhead"/>; deletes keys whose successor took over longer ago
    /// than the longest token lifetime. Rebuilds this host's OpenIddict options when anything changed.
    /// </summary>
    /// <returns>What changed, for the job's history.</returns>
    public async Task<string> RotateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var signing = await db.SigningKeys.Where(k => k.Algorithm == SigningKey.SigningAlgorithm).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var settings = options.Value;
        var added = 0;
        if (signing.Count > 0 && signing[^1].CreatedAt <= now - settings.SigningKeyRotation)
        {
            var next = NewSigningKey(now + PublishAhead);
            db.SigningKeys.Add(next);
            signing.Add(next);
            added = 1;
        }

        // A key stops signing when its successor takes over; its tokens live at most this long after.
        var longestLifetime = settings.RefreshTokenLifetime > settings.AccessTokenLifetime ? settings.RefreshTokenLifetime : settings.AccessTokenLifetime;
        var retired = signing.Zip(signing.Skip(1), (key, successor) => (key, successor))
            .Where(pair => pair.successor.CreatedAt + longestLifetime < now)
            .Select(pair => pair.key)
            .ToList();
        db.SigningKeys.RemoveRange(retired);
        await db.SaveChangesAsync(cancellationToken);
        if (added + retired.Count > 0)
        {
            Reload();
        }

        return $"{added} signing key(s) added, {retired.Count} retired";
    }

    /// <summary>Makes OpenIddict rebuild its options, and with them its keys, on the next request.</summary>
    public void Reload()
    {
        serverOptionsCache.TryRemove(Options.DefaultName);
        validationOptionsCache.TryRemove(Options.DefaultName);
    }

    private async Task<List<SigningKey>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var keys = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        var missing = new List<SigningKey>();
        if (!keys.Any(k => k.Algorithm == SigningKey.SigningAlgorithm))
        {
            missing.Add(NewSigningKey(time.GetUtcNow()));
        }

        if (!keys.Any(k => k.Algorithm == SigningKey.EncryptionAlgorithm))
        {
            missing.Add(New(SigningKey.EncryptionAlgorithm, RandomNumberGenerator.GetBytes(32), time.GetUtcNow()));
        }

        if (missing.Count > 0)
        {
            db.SigningKeys.AddRange(missing);
            await db.SaveChangesAsync(cancellationToken);
            // Two instances starting together may both create keys; reading back gives both the union.
            keys = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        }

        return keys;
    }

    private SigningKey NewSigningKey(DateTimeOffset effective)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return New(SigningKey.SigningAlgorithm, ecdsa.ExportPkcs8PrivateKey(), effective);
    }

    private SigningKey New(string algorithm, byte[] secret, DateTimeOffset effective) => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Algorithm = algorithm,
        PrivateKey = Protector.Protect(secret),
        CreatedAt = effective,
    };
}
