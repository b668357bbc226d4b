using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Pilotdeck.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// The OAuth2 server on OpenIddict (docs/adr/0012-identity-on-openiddict.md): token, revocation,
/// introspection, device authorization, discovery and JWKS on the API endpoints, plus the local
/// validation the access-policy interceptor uses.
/// </summary>
public static class TokenServerRegistration
{
    /// <summary>Where every OAuth endpoint below lives (the discovery documents aside).</summary>
    public const string OAuthPathBase = "/oauth2";

    public const string TokenPath = "/oauth2/token";
    public const string RevocationPath = "/oauth2/revoke";
    public const string IntrospectionPath = "/oauth2/introspect";
    public const string DevicePath = "/oauth2/device";
    public const string VerificationPath = "/oauth2/device/verify";
    public const string JwksPath = "/.well-known/jwks.json";
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    public static IServiceCollection AddPilotdeckTokenServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TokenOptions>(configuration.GetSection(TokenOptions.Section));
        var tokens = configuration.GetSection(TokenOptions.Section).Get<TokenOptions>() ?? new TokenOptions();
        var issuer = new Uri(tokens.Issuer ?? (configuration[EndpointConfiguration.GrpcUrlKey] ?? EndpointConfiguration.DefaultGrpcUrl).TrimEnd('/') + "/");

        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetIssuer(issuer)
                    .SetTokenEndpointUris(TokenPath)
                    .SetRevocationEndpointUris(RevocationPath)
                    .SetIntrospectionEndpointUris(IntrospectionPath)
                    .SetDeviceAuthorizationEndpointUris(DevicePath)
                    .SetEndUserVerificationEndpointUris(VerificationPath)
                    .SetJsonWebKeySetEndpointUris(JwksPath)
                    .SetConfigurationEndpointUris(DiscoveryPath);
                server.AllowClientCredentialsFlow()
                    .AllowPasswordFlow()
                    .AllowRefreshTokenFlow()
                    .AllowDeviceAuthorizationFlow();
                // The portal and the SDKs' user sign-in send no client_id (ADR 0012); partner
                // systems always authenticate as their API client.
                server.AcceptAnonymousClients();
                // Scopes are granted per API client (its record), not per OpenIddict application.
                server.IgnoreScopePermissions();
                server.SetAccessTokenLifetime(tokens.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(tokens.RefreshTokenLifetime)
                    .SetDeviceCodeLifetime(tokens.DeviceCodeLifetime)
                    .SetUserCodeLifetime(tokens.DeviceCodeLifetime)
                    // Rotation does not extend a sign-in: every refresh token of a chain expires with the first.
                    .DisableSlidingRefreshTokenExpiration()
                    // A second use of a refresh token is a replay, however soon: it ends the chain.
                    .SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                // Third parties verify access tokens against the JWKS: signed, not encrypted.
                server.DisableAccessTokenEncryption();
                // Access tokens are checked without a lookup, so "revoking" one would change nothing:
                // say so (RFC 7009 §2.2.1) instead of answering 200. Revoke the client or the sign-in.
                server.AddEventHandler<OpenIddictServerEvents.ValidateRevocationRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (context.GenericTokenPrincipal?.GetTokenType() is TokenTypeIdentifiers.AccessToken)
                        {
                            context.Reject(OpenIddictConstants.Errors.UnsupportedTokenType,
                                "Access tokens cannot be revoked; they expire on their own. Revoke the refresh token, or revoke the API client.");
                        }

                        return default;
                    })
                    .SetOrder(OpenIddictServerHandlers.Revocation.ValidateTokenType.Descriptor.Order + 1));
                // RFC 7662 §2.1: introspection is for authenticated clients only, although anonymous
                // clients are otherwise accepted (the first-party user sign-ins).
                server.AddEventHandler<OpenIddictServerEvents.ValidateIntrospectionRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (string.IsNullOrEmpty(context.ClientId))
                        {
                            context.Reject(OpenIddictConstants.Errors.InvalidClient, "Introspection needs client authentication (client_id and client_secret).");
                        }

                        return default;
                    })
                    .SetOrder(int.MinValue + 100_000));
                server.AddEventHandler<OpenIddictServerEvents.ApplyDeviceAuthorizationResponseContext>(handler => handler
                    .UseSingletonHandler<DeviceVerification.PortalVerificationUri>()
                    .SetOrder(int.MinValue + 100_000));
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndUserVerificationEndpointPassthrough()
                    // TLS is terminated in front of the host in production; tests and the demo run on loopback http.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(tokens.Audience);
            });

        services.AddSingleton<ServerKeys>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerOptionsFromStore>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddScoped<TokenGrants>();
        services.AddSingleton<DeviceVerification.PortalVerificationUri>();
        return services;
    }

    /// <summary>The parts of OpenIddict's options that come from the database and the contracts.</summary>
    private sealed class ServerOptionsFromStore(ServerKeys keys, AccessPolicyCatalog catalog) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            keys.Configure(options);
            options.Scopes.UnionWith([Scopes.OfflineAccess, .. catalog.KnownScopes()]);
        }
    }
}
