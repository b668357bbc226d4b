using Microsoft.Extensions.Primitives;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Pilotdeck.Server.Platform.Errors;
using Serilog;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// Authenticates every call from its bearer token and enforces the method's access policy before
/// the handler runs. On success the call's DI scope is bound to the token's tenant, so the data
/// layer filters every query to it; nothing tenant-specific is decided in handlers.
/// </summary>
public sealed class AccessPolicyInterceptor : Interceptor
{
    private readonly AccessPolicyCatalog _catalog;

    public AccessPolicyInterceptor(AccessPolicyCatalog catalog) => _catalog = catalog;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthorizeAsync(ServerCallContext context)
    {
        var policy = _catalog.For(context.Method);
        if (policy.Anonymous)
        {
            return;
        }

        var http = context.GetHttpContext();
        var services = http.RequestServices;
        // Straight from the request's headers: context.RequestHeaders would copy all of them into a Metadata first.
        var token = BearerToken(http.Request.Headers.Authorization);
        var validation = await services.GetRequiredService<AccessTokenValidator>().ValidateAsync(token, context.CancellationToken);
        if (validation.Claims is not { } claims)
        {
            throw validation.Expired
                ? ApiErrors.Create(StatusCode.Unauthenticated, ErrorReason.TokenExpired, "The access token has expired; obtain a new one from /oauth2/token.")
                : ApiErrors.Create(StatusCode.Unauthenticated, ErrorReason.TokenInvalid, "The access token is not valid for this server.");
        }

        if (string.IsNullOrEmpty(claims.TenantId) || string.IsNullOrEmpty(claims.Subject))
        {
            throw ApiErrors.Create(StatusCode.Unauthenticated, ErrorReason.TokenInvalid, "The access token lacks a subject or tenant.");
        }

        services.GetRequiredService<TenantContext>().Bind(claims.TenantId);
        // A client-credentials token is the client's own (sub = client_id); a user's names the app it used.
        var caller = claims.ClientId == claims.Subject
            ? await AuthorizeClientAsync(services, claims.Subject, claims.TenantId, claims.Scopes, policy, context.CancellationToken)
            : await AuthorizeUserAsync(services, claims.Subject, claims.TenantId, policy, context.CancellationToken);
        services.GetRequiredService<CallerAccessor>().Set(caller);
        // Onto the call's request-log line (never tokens, secrets or personal data).
        var log = services.GetRequiredService<IDiagnosticContext>();
        log.Set("Tenant", caller.TenantId);
        log.Set("Actor", caller.Subject);
    }

    private static ReadOnlyMemory<char> BearerToken(StringValues authorization)
    {
        var token = AccessTokenValidator.BearerToken(authorization);
        return token.IsEmpty
            ? throw ApiErrors.Create(StatusCode.Unauthenticated, ErrorReason.TokenMissing, "This method needs an access token: send 'authorization: Bearer <token>'.")
            : token;
    }

    /// <summary>The token proves who; the database says whether the client is still allowed (revocation is immediate).</summary>
    private static async Task<Caller> AuthorizeClientAsync(IServiceProvider services, string clientId, string tenantId, IReadOnlyList<string> scopes, AccessPolicy policy, CancellationToken cancellationToken)
    {
        if (!await services.GetRequiredService<PrincipalChecks>().IsClientActiveAsync(clientId, cancellationToken))
        {
            throw ApiErrors.Create(StatusCode.Unauthenticated, ErrorReason.PrincipalDisabled, "This API client has been revoked or has expired.");
        }

        if (policy.ClientScopes.Count > 0 && !policy.ClientScopes.Any(scopes.Contains))
        {
            throw ApiErrors.Create(StatusCode.PermissionDenied, ErrorReason.ScopeMissing,
                $"This method needs one of the scopes: {string.Join(", ", policy.ClientScopes)}.",
                new Dictionary<string, string> { ["required_scopes"] = string.Join(" ", policy.ClientScopes) });
        }

        return new Caller(clientId, tenantId, IsApiClient: true, Role: null, scopes);
    }

    /// <summary>Reads the user's current role, so a demotion or removal applies before the token expires.</summary>
    private static async Task<Caller> AuthorizeUserAsync(IServiceProvider services, string userId, string tenantId, AccessPolicy policy, CancellationToken cancellationToken)
    {
        var state = await services.GetRequiredService<PrincipalChecks>().GetUserAccessStateAsync(userId, cancellationToken);
        if (state is null || state.Disabled)
        {
            throw ApiErrors.Create(StatusCode.Unauthenticated, ErrorReason.PrincipalDisabled, "This account is disabled or no longer a member of the tenant.");
        }

        if (!state.Role.Satisfies(policy.MinRole))
        {
            throw ApiErrors.Create(StatusCode.PermissionDenied, ErrorReason.RoleInsufficient,
                $"This method needs the {policy.MinRole} role or higher.",
                new Dictionary<string, string> { ["required_role"] = policy.MinRole.ToString() });
        }

        return new Caller(userId, tenantId, IsApiClient: false, state.Role, []);
    }
}
