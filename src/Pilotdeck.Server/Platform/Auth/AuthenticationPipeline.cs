using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// Where ASP.NET Core's authentication middleware runs. gRPC calls (<c>application/grpc</c> and
/// gRPC-Web) bring their bearer token to <see cref="AccessPolicyInterceptor"/>, which validates it
/// itself; no scheme is the default, so the middleware never set a principal for them. What it did
/// do, on every call, was run OpenIddict's server handler to learn the call is not one of its
/// endpoints: a quarter of an anonymous call's time in a profile of bench/api.sh
/// (docs/performance.md). Everything else (OpenIddict's endpoints, the portal's cookie, JSON
/// routes, the jobs dashboard) authenticates as before.
/// </summary>
public static class AuthenticationPipeline
{
    // WebApplication inserts UseAuthentication and UseAuthorization at the top of the pipeline
    // unless the root builder carries these marks. A UseWhen branch's own mark never reaches the
    // root, so it is set here, and authorization is placed after authentication by hand.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    public static WebApplication UsePilotdeckAuthentication(this WebApplication app)
    {
        // As WebApplication itself does: each middleware only where its services are registered
        // (a host without the portal has no authorization services).
        var registered = app.Services.GetRequiredService<IServiceProviderIsService>();
        if (registered.IsService(typeof(IAuthenticationSchemeProvider)))
        {
            app.UseWhen(http => !GrpcRequests.IsGrpc(http.Request), branch => branch.UseAuthentication());
            ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        }

        if (registered.IsService(typeof(IAuthorizationPolicyProvider)))
        {
            app.UseAuthorization();
        }

        return app;
    }
}
