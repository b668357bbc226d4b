using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Policy.V1;
using Grpc.Core;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Runs around every portal page handler: prepares the signed-in user's API client, turns an
/// ended session (refresh refused, token rejected) into a trip to sign-in, and loads the tenant
/// switcher's list for the layout so no API call happens while the view renders.
/// </summary>
internal sealed class PortalPageFilter : IAsyncPageFilter
{
    private readonly ILogger<PortalPageFilter> _logger;

    public PortalPageFilter(ILogger<PortalPageFilter> logger) => _logger = logger;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerInstance is not PortalPageModel)
        {
            await next();
            return;
        }

        var http = context.HttpContext;
        AddSecurityHeaders(http.Request.IsHttps, http.Response.Headers);
        var session = http.RequestServices.GetRequiredService<PortalSession>();
        var anonymous = context.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
        if (!await session.InitializeAsync(http) && !anonymous)
        {
            context.Result = new ChallengeResult(PortalAuthentication.Scheme);
            return;
        }

        var executed = await next();
        if (executed.Exception is { } exception && !executed.ExceptionHandled && IsSessionEnded(exception))
        {
            _logger.LogInformation("Portal session ended ({Reason}); asking the user to sign in again.", exception.GetType().Name);
            executed.ExceptionHandled = true;
            executed.Result = await EndSessionAsync(http);
            return;
        }

        if (executed.Exception is null && executed.Result is PageResult && session.User is not null)
        {
            if (HttpMethods.IsGet(http.Request.Method) && context.HandlerInstance is PortalPageModel { Problem: { } problem })
            {
                http.Response.StatusCode = StatusOf(problem.Code);
            }

            await LoadLayoutAsync(http, session, executed);
        }
    }

    /// <summary>
    /// A page that could not show what its address names says so in its status too, as an unknown
    /// address does (404), for bookmarks, link checkers and uptime probes; a form answered with a
    /// problem stays 200, the page it re-renders being the answer.
    /// </summary>
    private static int StatusOf(StatusCode code) => code switch
    {
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status200OK,
    };

    /// <summary>
    /// The portal needs no inline script, frames or third-party origins, so it forbids them all; served
    /// over TLS, it also tells browsers never to come back without it (HSTS, one year).
    /// </summary>
    private static void AddSecurityHeaders(bool https, IHeaderDictionary headers)
    {
        if (https)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }

        headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
    }

    private static bool IsSessionEnded(Exception exception) =>
        exception is PilotdeckAuthException || exception is RpcException { StatusCode: StatusCode.Unauthenticated };

    private static async Task<IActionResult> EndSessionAsync(HttpContext http)
    {
        await PortalAuthentication.SignOutAsync(http);
        // A form post cannot be replayed after sign-in; return to the page it came from instead.
        var returnUrl = HttpMethods.IsGet(http.Request.Method) ? http.Request.Path + http.Request.QueryString : http.Request.Path.ToString();
        return new RedirectToPageResult("/SignIn/Index", new { returnUrl, expired = true });
    }

    private async Task LoadLayoutAsync(HttpContext http, PortalSession session, PageHandlerExecutedContext executed)
    {
        try
        {
            var layout = http.RequestServices.GetRequiredService<LayoutState>();
            var tenants = session.Api.Identity.ListMyTenantsAsync(new ListMyTenantsRequest(), cancellationToken: http.RequestAborted);
            var approvals = session.Api.Approvals.ListApprovalsAsync(new ListApprovalsRequest { AwaitingMe = true, PageSize = 1 }, cancellationToken: http.RequestAborted);
            layout.Tenants = [.. (await tenants).Tenants];
            layout.ApprovalsAwaiting = (await approvals).AwaitingMeCount;
        }
        catch (Exception ex) when (IsSessionEnded(ex))
        {
            executed.Result = await EndSessionAsync(http);
        }
        catch (RpcException ex)
        {
            // The switcher and the count are conveniences; the page itself still renders without them.
            _logger.LogWarning("Could not load the tenant switcher or the approvals count: {Status}", ex.StatusCode);
        }
    }
}
