using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using static OpenIddict.Abstractions.OpenIddictConstants;
using OidcErrors = OpenIddict.Abstractions.OpenIddictConstants.Errors;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// What the token endpoint grants, once OpenIddict has validated the request (client secret,
/// refresh token, device code): the principal of each grant, or a refusal. Users get a refresh
/// token (scope <c>offline_access</c>); API clients only an access token (RFC 6749 §4.4.3).
/// </summary>
public sealed class TokenGrants(ApiClients clients, UserAccounts users, PilotdeckDbContext db, TenantContext tenant, IOptions<TokenOptions> options, TimeProvider time)
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapTokenGrants(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TokenServerRegistration.TokenPath, (HttpContext http, TokenGrants grants) => grants.IssueAsync(http)).DisableAntiforgery();
        return endpoints;
    }

    private async Task<IResult> IssueAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The token endpoint was reached without an OpenIddict request.");
        var ct = http.RequestAborted;
        if (request.IsClientCredentialsGrantType())
        {
            return await ClientCredentialsAsync(request, ct);
        }

        if (request.IsPasswordGrantType())
        {
            return await PasswordAsync(request, ct);
        }

        // Refresh and device code: OpenIddict has validated the token; the account may have changed since.
        var stored = (await http.AuthenticateAsync(Scheme)).Principal;
        return stored is null
            ? Refuse(OidcErrors.InvalidGrant, "The grant is unknown, expired or already used.")
            : await RenewAsync(stored, ct);
    }

    private async Task<IResult> ClientCredentialsAsync(OpenIddictRequest request, CancellationToken ct)
    {
        var result = await clients.CheckStatusAsync(request.ClientId!, ct);
        if (result.Client is not { } client)
        {
            // One answer for unknown, revoked and expired: the caller learns nothing it could probe with.
            return Refuse(OidcErrors.InvalidClient, "Client authentication failed.");
        }

        var requested = request.GetScopes();
        if (requested.Except(client.ScopeList, StringComparer.Ordinal).Any())
        {
            return Refuse(OidcErrors.InvalidScope, "A requested scope was not granted to this client.");
        }

        var identity = NewIdentity(client.ClientId, client.TenantId);
        identity.SetClaim(PilotdeckClaims.ClientId, client.ClientId);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(requested.IsEmpty ? client.ScopeList : requested);
        return SignIn(principal);
    }

    public const string WrongCredentials = "Wrong email or password. After repeated failures an account is locked for a few minutes.";

    private async Task<IResult> PasswordAsync(OpenIddictRequest request, CancellationToken ct)
    {
        var result = await users.PasswordSignInAsync(request.Username ?? "", request.Password ?? "", ct);
        if (result.Status != SignInStatus.Succeeded)
        {
            // One answer for a wrong password, an unknown email, a disabled and a locked account:
            // a lockout message only accounts could earn would tell a stranger which emails exist.
            return Refuse(OidcErrors.InvalidGrant, WrongCredentials);
        }

        var memberships = await users.ListMembershipsAsync(result.User!.Id, ct);
        var wanted = request.GetParameter("tenant")?.ToString();
        var membership = string.IsNullOrEmpty(wanted) ? memberships.FirstOrDefault() : memberships.FirstOrDefault(m => m.TenantId == wanted);
        if (membership is null)
        {
            return Refuse(OidcErrors.InvalidGrant, string.IsNullOrEmpty(wanted) ? "The account is not a member of any tenant." : $"The account is not a member of tenant '{wanted}'.");
        }

        return SignIn(UserPrincipal(result.User, membership));
    }

    /// <summary>Re-reads the account, so disabling, lockout and role changes apply at the next refresh.</summary>
    private async Task<IResult> RenewAsync(ClaimsPrincipal stored, CancellationToken ct)
    {
        var userId = stored.GetClaim(Claims.Subject);
        var tenantId = stored.GetClaim(PilotdeckClaims.Tenant);
        var principal = userId is null || tenantId is null ? null : await CurrentUserPrincipalAsync(userId, tenantId, ct);
        if (principal is null)
        {
            return Refuse(OidcErrors.InvalidGrant, "The account may no longer sign in to this tenant.");
        }

        // Stay in the same chain, so a replayed refresh token still revokes every token of it.
        principal.SetAuthorizationId(stored.GetAuthorizationId());
        return SignIn(principal);
    }

    /// <summary>
    /// The principal of a user who may sign in to <paramref name="tenantId"/> (default: their first
    /// tenant) as of now, or <c>null</c> when the account is gone, disabled, locked out or not a member.
    /// </summary>
    public async Task<ClaimsPrincipal?> CurrentUserPrincipalAsync(string userId, string? tenantId, CancellationToken ct)
    {
        var memberships = await users.ListMembershipsAsync(userId, ct);
        var membership = string.IsNullOrEmpty(tenantId) ? memberships.FirstOrDefault() : memberships.FirstOrDefault(m => m.TenantId == tenantId);
        var user = membership is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null || user.Disabled || user.LockoutEnd > time.GetUtcNow())
        {
            return null;
        }

        tenant.Bind(membership!.TenantId);
        return UserPrincipal(user, membership);
    }

    /// <summary>A user's principal in one tenant: role and operator flag as of now, and a refresh token.</summary>
    private ClaimsPrincipal UserPrincipal(User user, Membership membership)
    {
        var identity = NewIdentity(user.Id, membership.TenantId);
        identity.SetClaim(PilotdeckClaims.Role, membership.Role.ToClaimValue());
        if (user.InstallationOperator)
        {
            identity.SetClaim(PilotdeckClaims.InstallationOperator, "true");
        }

        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(Scopes.OfflineAccess);
        return principal;
    }

    private ClaimsIdentity NewIdentity(string subject, string tenantId)
    {
        var identity = new ClaimsIdentity(Scheme, Claims.Subject, PilotdeckClaims.Role);
        identity.SetClaim(Claims.Subject, subject);
        identity.SetClaim(PilotdeckClaims.Tenant, tenantId);
        return identity;
    }

    public IResult SignIn(ClaimsPrincipal principal)
    {
        principal.SetAudiences(options.Value.Audience);
        // Every claim goes into the access token: it is what the API and third parties read.
        principal.SetDestinations(static _ => [Destinations.AccessToken]);
        return Results.SignIn(principal, authenticationScheme: Scheme);
    }

    /// <summary>An RFC 6749 error answer; OpenIddict sets the status (401 for invalid_client, else 400).</summary>
    public static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [Scheme]);
}
