using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// The portal's sign-in: an ASP.NET Core cookie whose ticket (encrypted with data protection)
/// carries who the user is and the API token set — access token, refresh token and expiry — so
/// every request can call the API as that user without the portal keeping any server-side state.
/// </summary>
public static class PortalAuthentication
{
    /// <summary>A named scheme, never the default one, so the host's API traffic is not cookie-authenticated.</summary>
    public const string Scheme = "PilotdeckPortal";
    public const string Policy = "PilotdeckPortalUser";
    public const string CookieName = "pilotdeck.portal";

    public const string TenantClaim = "pilotdeck:tenant";
    public const string TenantNameClaim = "pilotdeck:tenant_name";

    /// <summary>Present (value "true") when the user operates the installation; drives the jobs dashboard link.</summary>
    public const string InstallationOperatorClaim = "pilotdeck:installation_operator";

    private const string AccessTokenName = "access_token";
    private const string RefreshTokenName = "refresh_token";
    private const string ExpiresAtName = "expires_at";

    public static Task SignInAsync(HttpContext http, PortalUser user, TokenSet tokens)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Subject),
                new Claim(ClaimTypes.Email, user.Email),
                new Claim(ClaimTypes.Role, user.Role.ToString()),
                new Claim(TenantClaim, user.TenantId),
                new Claim(TenantNameClaim, user.TenantName),
                .. user.InstallationOperator ? [new Claim(InstallationOperatorClaim, "true")] : Array.Empty<Claim>(),
            ],
            Scheme, ClaimTypes.Email, ClaimTypes.Role);
        var properties = new AuthenticationProperties { IsPersistent = false };
        StoreTokens(properties, tokens);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), properties);
    }

    /// <summary>Rewrites the cookie with refreshed tokens, keeping the identity and the session's original expiry.</summary>
    public static async Task UpdateTokensAsync(HttpContext http, TokenSet tokens)
    {
        var current = await http.AuthenticateAsync(Scheme);
        if (!current.Succeeded)
        {
            return;
        }

        var properties = current.Properties;
        StoreTokens(properties, tokens);
        await http.SignInAsync(Scheme, current.Principal, properties);
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>The token set stored at sign-in (or last refresh); null when the cookie lacks one.</summary>
    public static TokenSet? TokensOf(AuthenticationProperties properties)
    {
        var access = properties.GetTokenValue(AccessTokenName);
        if (string.IsNullOrEmpty(access))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.TryParse(properties.GetTokenValue(ExpiresAtName), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed
            : DateTimeOffset.MinValue;
        var refresh = properties.GetTokenValue(RefreshTokenName);
        return new TokenSet(access, expiresAt, string.IsNullOrEmpty(refresh) ? null : refresh);
    }

    private static void StoreTokens(AuthenticationProperties properties, TokenSet tokens)
    {
        var stored = new List<AuthenticationToken>
        {
            new() { Name = AccessTokenName, Value = tokens.AccessToken },
            new() { Name = ExpiresAtName, Value = tokens.ExpiresAt.ToString("o", CultureInfo.InvariantCulture) },
        };
        if (tokens.RefreshToken is not null)
        {
            stored.Add(new AuthenticationToken { Name = RefreshTokenName, Value = tokens.RefreshToken });
        }

        properties.StoreTokens(stored);
    }
}

/// <summary>The signed-in user as the cookie records them; the API stays the authority on what they may do.</summary>
public sealed record PortalUser(string Subject, string Email, string TenantId, string TenantName, TenantRole Role, bool InstallationOperator = false)
{
    /// <summary>Drives which navigation shows; the API still enforces every call.</summary>
    public bool IsAdmin => Role >= TenantRole.Admin;

    /// <summary>Facilitators and above run cohorts: add and update participants, export rosters.</summary>
    public bool CanFacilitate => Role >= TenantRole.Facilitator;

    public static PortalUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity is not { IsAuthenticated: true, AuthenticationType: PortalAuthentication.Scheme })
        {
            return null;
        }

        var role = Enum.TryParse<TenantRole>(principal.FindFirstValue(ClaimTypes.Role), out var parsed) ? parsed : TenantRole.Unspecified;
        return new PortalUser(
            principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            principal.FindFirstValue(ClaimTypes.Email) ?? "",
            principal.FindFirstValue(PortalAuthentication.TenantClaim) ?? "",
            principal.FindFirstValue(PortalAuthentication.TenantNameClaim) ?? "",
            role,
            principal.FindFirstValue(PortalAuthentication.InstallationOperatorClaim) == "true");
    }
}
