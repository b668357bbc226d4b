using Microsoft.EntityFrameworkCore;

namespace Pilotdeck.Data.Identity;

/// <param name="Secret">The plain secret. It is not stored anywhere: show it once and drop it.</param>
public sealed record IssuedClientSecret(ApiClientRecord Client, string Secret);

public enum ClientAuthenticationStatus
{
    Succeeded,
    InvalidCredentials,
    Revoked,
    Expired,
}

/// <param name="Client">Set only when <see cref="Status"/> is <see cref="ClientAuthenticationStatus.Succeeded"/>.</param>
public sealed record ClientAuthenticationResult(ClientAuthenticationStatus Status, ApiClientRecord? Client = null);

/// <summary>Client-credentials clients of the tenant bound to the current scope.</summary>
public sealed class ApiClients(PilotdeckDbContext db, TimeProvider time)
{
    internal const string ClientIdPrefix = "pdc_";
    internal const string SecretPrefix = "pds_";

    /// <param name="lifetime">How long the client may authenticate; <c>null</c> for no expiry.</param>
    public async Task<IssuedClientSecret> CreateAsync(string name, IEnumerable<string> scopes, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var scopeList = scopes.Distinct(StringComparer.Ordinal).ToList();
        if (scopeList.Any(s => s.Length == 0 || s.Any(char.IsWhiteSpace)))
        {
            throw new IdentityValidationException(["invalid_scope"]);
        }

        var now = time.GetUtcNow();
        var secret = Secrets.New(SecretPrefix);
        var client = new ApiClientRecord
        {
            ClientId = Secrets.New(ClientIdPrefix, 16),
            Name = name,
            SecretHash = Secrets.Hash(secret),
            Scopes = string.Join(' ', scopeList),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.ApiClients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedClientSecret(client, secret);
    }

    public Task<ApiClientRecord?> FindAsync(string clientId, CancellationToken cancellationToken = default)
        => db.ApiClients.SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);

    /// <summary>Replaces the secret; the old one stops working at once. Expiry is unchanged.</summary>
    /// <returns><c>null</c> when the tenant has no such client or it is revoked.</returns>
    public async Task<IssuedClientSecret?> RotateSecretAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var client = await FindAsync(clientId, cancellationToken);
        if (client is null || client.RevokedAt is not null)
        {
            return null;
        }
        var secret = Secrets.New(SecretPrefix);
        client.SecretHash = Secrets.Hash(secret);
        client.SecretRotatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedClientSecret(client, secret);
    }

    /// <returns><c>false</c> when the tenant has no such client.</returns>
    public async Task<bool> RevokeAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var client = await FindAsync(clientId, cancellationToken);
        if (client is null)
        {
            return false;
        }
        client.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Checks client credentials. Looks across tenants because the token endpoint learns the tenant
    /// from the client; revocation and expiry are only reported to a caller holding the secret.
    /// </summary>
    public async Task<ClientAuthenticationResult> AuthenticateAsync(string clientId, string secret, CancellationToken cancellationToken = default)
    {
        var client = await db.ApiClients.AsNoTracking()
            .IgnoreQueryFilters([PilotdeckDbContext.TenantFilter])
            .SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (client is null || !Secrets.Matches(secret, client.SecretHash))
        {
            return new ClientAuthenticationResult(ClientAuthenticationStatus.InvalidCredentials);
        }
        if (client.RevokedAt is not null)
        {
            return new ClientAuthenticationResult(ClientAuthenticationStatus.Revoked);
        }
        if (client.ExpiresAt <= time.GetUtcNow())
        {
            return new ClientAuthenticationResult(ClientAuthenticationStatus.Expired);
        }
        return new ClientAuthenticationResult(ClientAuthenticationStatus.Succeeded, client);
    }
}
