using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Pilotdeck.Data.Tenancy;
using static OpenIddict.Abstractions.OpenIddictConstants;

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

/// <summary>
/// Client-credentials clients of the tenant bound to the current scope. Each is an OpenIddict
/// application (which holds the hashed secret and authenticates it at the token endpoint) plus an
/// <see cref="ApiClientRecord"/> that binds it to its tenant and carries name, scopes, expiry and
/// revocation. Both are written by one SaveChanges on the scope's context.
/// </summary>
/// <remarks>
/// OpenIddict's manager is taken lazily: only creating, rotating and revoking need it, and building
/// it (with its per-scope entity cache) on every call of a service that depends on this class cost
/// more than most of those calls' own work.
/// </remarks>
public sealed class ApiClients(PilotdeckDbContext db, ITenantContext tenant, Lazy<IOpenIddictApplicationManager> manager, TimeProvider time)
{
    internal const string ClientIdPrefix = "pdc_";
    internal const string SecretPrefix = "pds_";

    /// <summary>The application property naming the client's tenant.</summary>
    public const string TenantProperty = "tenant";

    private IOpenIddictApplicationManager Applications => manager.Value;

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
            Scopes = string.Join(' ', scopeList),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.ApiClients.Add(client);
        // The manager saves the context, so the record and the application are stored together.
        await Applications.CreateAsync(ApplicationFor(client, tenant.TenantId ?? throw new TenantIsolationException("Cannot create an API client: no tenant is bound to this scope."), secret), cancellationToken);
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
        client.SecretRotatedAt = time.GetUtcNow();
        if (await Applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
        {
            await Applications.UpdateAsync(application, secret, cancellationToken);
        }
        else
        {
            // A client from before OpenIddict (migration OpenIddictIdentity) gets its application now.
            await Applications.CreateAsync(ApplicationFor(client, client.TenantId, secret), cancellationToken);
        }

        return new IssuedClientSecret(client, secret);
    }

    /// <summary>
    /// Marks the client revoked and deletes its OpenIddict application (with its tokens), so the
    /// token endpoint no longer knows the secret; the record stays for the history.
    /// </summary>
    /// <returns><c>false</c> when the tenant has no such client.</returns>
    public async Task<bool> RevokeAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var client = await FindAsync(clientId, cancellationToken);
        if (client is null)
        {
            return false;
        }

        client.RevokedAt ??= time.GetUtcNow();
        if (await Applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
        {
            await Applications.DeleteAsync(application, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Whether a client whose secret OpenIddict has just verified may have a token. Looks across
    /// tenants because the token endpoint learns the tenant from the client.
    /// </summary>
    public async Task<ClientAuthenticationResult> CheckStatusAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var client = await db.ApiClients.AsNoTracking()
            .IgnoreQueryFilters([PilotdeckDbContext.TenantFilter])
            .SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (client is null)
        {
            return new ClientAuthenticationResult(ClientAuthenticationStatus.InvalidCredentials);
        }

        if (client.RevokedAt is not null)
        {
            return new ClientAuthenticationResult(ClientAuthenticationStatus.Revoked);
        }

        return client.ExpiresAt <= time.GetUtcNow()
            ? new ClientAuthenticationResult(ClientAuthenticationStatus.Expired)
            : new ClientAuthenticationResult(ClientAuthenticationStatus.Succeeded, client);
    }

    /// <summary>
    /// A confidential application that may use the client-credentials grant and the revocation and
    /// introspection endpoints. Scopes are checked against the record at the token endpoint.
    /// </summary>
    private static OpenIddictApplicationDescriptor ApplicationFor(ApiClientRecord client, string tenantId, string secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.Name,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Revocation,
                Permissions.Endpoints.Introspection,
                Permissions.GrantTypes.ClientCredentials,
            },
        };
        descriptor.Properties[TenantProperty] = JsonSerializer.SerializeToElement(tenantId);
        return descriptor;
    }
}
