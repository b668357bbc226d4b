using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Pilotdeck.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;
using OidcErrors = OpenIddict.Abstractions.OpenIddictConstants.Errors;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// The device authorization grant (RFC 8628) for the CLI. OpenIddict issues the device and user
/// codes; a signed-in user approves a user code for one of their tenants on the portal's
/// <c>/device</c> page, which posts it here with the user's own access token.
/// </summary>
public static class DeviceVerification
{
    /// <summary>The public client the CLI signs in as: no secret, device code and refresh token only.</summary>
    public const string CliClientId = "pilotdeck-cli";

    /// <summary>The portal page that approves user codes, relative to the portal's address.</summary>
    public const string PortalPagePath = "/device";

    public static IEndpointRouteBuilder MapDeviceVerification(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TokenServerRegistration.VerificationPath, ApproveAsync).DisableAntiforgery();
        return endpoints;
    }

    /// <summary>Registers (or updates) the CLI's OpenIddict application; run at every start.</summary>
    public static async Task EnsureCliClientAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = CliClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "Pilotdeck CLI",
            Permissions =
            {
                Permissions.Endpoints.DeviceAuthorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.DeviceCode,
                Permissions.GrantTypes.RefreshToken,
            },
        };
        if (await applications.FindByClientIdAsync(CliClientId, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    /// <summary>
    /// Approves the user code in the request (validated by OpenIddict) for the caller of the bearer
    /// token, in the tenant the form names (default: their first). Only users approve: an API
    /// client's token is refused, and so is a tenant the user is not a member of.
    /// </summary>
    private static async Task<IResult> ApproveAsync(HttpContext http, AccessTokenValidator validator, TokenGrants grants)
    {
        var ct = http.RequestAborted;
        // OpenIddict resolves the user code to the device code it stands for; anything else is no code of ours.
        var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (!code.Succeeded || string.IsNullOrEmpty(code.Principal?.GetClaim(Claims.Private.DeviceCodeId)))
        {
            return Refuse(StatusCodes.Status400BadRequest, OidcErrors.InvalidToken, "The user code is unknown, expired or already used.");
        }

        var caller = (await validator.ValidateAsync(AccessTokenValidator.BearerToken(http.Request.Headers.Authorization), ct)).Principal;
        var userId = caller?.GetClaim(PilotdeckClaims.Subject);
        if (caller is null || userId is null || caller.GetClaim(PilotdeckClaims.ClientId) == userId)
        {
            return Refuse(StatusCodes.Status401Unauthorized, OidcErrors.AccessDenied, "Approve a device sign-in with a signed-in user's access token.");
        }

        var request = http.GetOpenIddictServerRequest()!;
        var principal = await grants.CurrentUserPrincipalAsync(userId, request.GetParameter("tenant")?.ToString(), ct);
        return principal is null
            ? Refuse(StatusCodes.Status403Forbidden, OidcErrors.AccessDenied, "The account may not sign in to that tenant.")
            : grants.SignIn(principal);
    }

    /// <summary>
    /// A refusal that leaves the device code pending: OpenIddict's own challenge here would deny
    /// the code, and whoever typed a wrong tenant (or a stranger guessing codes) must not end
    /// someone else's sign-in.
    /// </summary>
    private static IResult Refuse(int status, string error, string description) => OAuthErrorResponse.Of(status, error, description);

    /// <summary>
    /// Points the CLI at the portal page instead of the API endpoint: <c>Pilotdeck:Tokens:VerificationUri</c>,
    /// else this host's own portal address.
    /// </summary>
    internal sealed class PortalVerificationUri(IOptions<TokenOptions> options, IServer server, IConfiguration configuration)
        : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyDeviceAuthorizationResponseContext>
    {
        public ValueTask HandleAsync(OpenIddictServerEvents.ApplyDeviceAuthorizationResponseContext context)
        {
            var page = options.Value.VerificationUri
                ?? (EndpointConfiguration.HostsPortal(configuration) && server.Features.Get<IServerAddressesFeature>()?.Addresses.LastOrDefault() is { } portal
                    ? portal.TrimEnd('/') + PortalPagePath
                    : null);
            if (page is not null && context.Response.Error is null && context.Response.UserCode is { } userCode)
            {
                context.Response.VerificationUri = page;
                context.Response.VerificationUriComplete = $"{page}?user_code={Uri.EscapeDataString(userCode)}";
            }

            return default;
        }
    }
}
