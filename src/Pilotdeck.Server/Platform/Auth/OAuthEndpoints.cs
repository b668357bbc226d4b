using System.Text;
using Microsoft.Extensions.Options;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// The OAuth2 token endpoint (RFC 6749: client_credentials for partner systems and scripts,
/// password for the first-party portal and CLI, refresh_token), the revocation endpoint for
/// sign-out (RFC 7009, refresh tokens), plus JWKS and discovery documents. These are plain HTTP,
/// served on the API endpoint beside gRPC.
/// </summary>
public static class OAuthEndpoints
{
    public const string TokenPath = "/oauth2/token";
    public const string RevocationPath = "/oauth2/revoke";
    public const string JwksPath = "/.well-known/jwks.json";
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TokenPath, IssueTokenAsync).DisableAntiforgery();
        endpoints.MapPost(RevocationPath, RevokeAsync).DisableAntiforgery();
        endpoints.MapGet(JwksPath, async (SigningKeyStore keys, CancellationToken ct) =>
            Results.Text(await keys.GetJwksJsonAsync(ct), "application/json"));
        endpoints.MapGet(DiscoveryPath, (HttpContext http, IOptions<TokenServiceOptions> options) =>
        {
            var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = options.Value.Issuer,
                ["token_endpoint"] = baseUrl + TokenPath,
                ["revocation_endpoint"] = baseUrl + RevocationPath,
                // A refresh token is its own credential: whoever holds it may end its sign-in.
                ["revocation_endpoint_auth_methods_supported"] = new[] { "none" },
                ["jwks_uri"] = baseUrl + JwksPath,
                ["grant_types_supported"] = new[] { "client_credentials", "password", "refresh_token" },
                ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
                ["id_token_signing_alg_values_supported"] = new[] { "ES256" },
            });
        });
        return endpoints;
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext http, ApiClients clients, UserAccounts users, TokenService tokens, CancellationToken ct)
    {
        if (await FormOf(http, ct) is not { } form)
        {
            return NotAForm;
        }

        try
        {
            return form["grant_type"].ToString() switch
            {
                "client_credentials" => await ClientCredentialsAsync(http, form, clients, tokens, ct),
                "password" => await PasswordAsync(form, users, tokens, ct),
                "refresh_token" => await RefreshAsync(form, tokens, ct),
                "" => Error("invalid_request", "grant_type is required."),
                var other => Error("unsupported_grant_type", $"grant_type '{other}' is not supported."),
            };
        }
        catch (IdentityValidationException ex)
        {
            return Error(ex.Errors.FirstOrDefault() ?? "invalid_request", string.Join(", ", ex.Errors));
        }
    }

    /// <summary>
    /// RFC 7009 for refresh tokens: the sign-in they belong to ends. The answer is 200 whether or
    /// not the token was known (§2.2), so it cannot be used to probe for tokens. Access tokens are
    /// short-lived JWTs checked without a lookup; they are refused as unsupported_token_type.
    /// </summary>
    private static async Task<IResult> RevokeAsync(HttpContext http, TokenService tokens, CancellationToken ct)
    {
        if (await FormOf(http, ct) is not { } form)
        {
            return NotAForm;
        }

        var token = form["token"].ToString();
        if (token.Length == 0)
        {
            return Error("invalid_request", "token is required: the refresh token to revoke.");
        }

        if (LooksLikeJwt(token))
        {
            return Error("unsupported_token_type",
                "Access tokens cannot be revoked; they expire on their own. Revoke the refresh token, or revoke the API client.");
        }

        await tokens.RevokeAsync(token, ct);
        return Results.Ok();
    }

    /// <summary>Both endpoints take form parameters only (RFC 6749 §3.2, RFC 7009 §2.1).</summary>
    private static async Task<IFormCollection?> FormOf(HttpContext http, CancellationToken ct) =>
        http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;

    private static IResult NotAForm => Error("invalid_request", "Send application/x-www-form-urlencoded parameters.");

    private static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;

    private static async Task<IResult> ClientCredentialsAsync(HttpContext http, IFormCollection form, ApiClients clients, TokenService tokens, CancellationToken ct)
    {
        var (clientId, secret) = ClientCredentialsOf(http, form);
        if (clientId is null || secret is null)
        {
            return Error("invalid_client", "Authenticate with client_id and client_secret (HTTP Basic or form fields).", StatusCodes.Status401Unauthorized);
        }

        var result = await clients.AuthenticateAsync(clientId, secret, ct);
        if (result.Status != ClientAuthenticationStatus.Succeeded)
        {
            // One answer for unknown, wrong secret, revoked and expired: the caller learns nothing it could probe with.
            return Error("invalid_client", "Client authentication failed.", StatusCodes.Status401Unauthorized);
        }

        var scope = form["scope"].ToString();
        var requested = string.IsNullOrWhiteSpace(scope) ? null : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var token = await tokens.IssueForClientAsync(result.Client!, requested, ct);
        return Token(token, refreshToken: null);
    }

    private static async Task<IResult> PasswordAsync(IFormCollection form, UserAccounts users, TokenService tokens, CancellationToken ct)
    {
        var result = await users.PasswordSignInAsync(form["username"].ToString(), form["password"].ToString(), ct);
        switch (result.Status)
        {
            case SignInStatus.LockedOut:
                return Error("invalid_grant", "The account is locked after repeated failed sign-ins; try again later.");
            case SignInStatus.Disabled:
            case SignInStatus.InvalidCredentials:
                return Error("invalid_grant", "Wrong email or password.");
        }

        var memberships = await users.ListMembershipsAsync(result.User!.Id, ct);
        var wanted = form["tenant"].ToString();
        var tenantId = string.IsNullOrEmpty(wanted) ? memberships.FirstOrDefault()?.TenantId : memberships.FirstOrDefault(m => m.TenantId == wanted)?.TenantId;
        if (tenantId is null)
        {
            return Error("invalid_grant", string.IsNullOrEmpty(wanted) ? "The account is not a member of any tenant." : $"The account is not a member of tenant '{wanted}'.");
        }

        var pair = await tokens.IssueForUserAsync(result.User, tenantId, ct);
        return Token(pair.Access, pair.RefreshToken);
    }

    private static async Task<IResult> RefreshAsync(IFormCollection form, TokenService tokens, CancellationToken ct)
    {
        var pair = await tokens.RefreshAsync(form["refresh_token"].ToString(), ct);
        return pair is null ? Error("invalid_grant", "The refresh token is unknown, expired or already used.") : Token(pair.Access, pair.RefreshToken);
    }

    private static (string? ClientId, string? Secret) ClientCredentialsOf(HttpContext http, IFormCollection form)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':');
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        var id = form["client_id"].ToString();
        var secret = form["client_secret"].ToString();
        return (id.Length == 0 ? null : id, secret.Length == 0 ? null : secret);
    }

    private static IResult Token(AccessToken token, string? refreshToken)
    {
        var body = new Dictionary<string, object>
        {
            ["access_token"] = token.Token,
            ["token_type"] = "Bearer",
            ["expires_in"] = Math.Max(0, (int)(token.ExpiresAt - DateTimeOffset.UtcNow).TotalSeconds),
        };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        return Results.Json(body, statusCode: StatusCodes.Status200OK);
    }

    private static IResult Error(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
