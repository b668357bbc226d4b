using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Portal;
using Pilotdeck.Server.Hosting;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Platform.Errors;

/// <summary>
/// Error responses that would otherwise go out with no body. A browser (it asks for text/html)
/// gets the portal's status page, rendered in place as UseStatusCodePagesWithReExecute would;
/// anything else that asked for a path no route answers, or a route with a method it does not
/// take (curl on the JSON port, a typo in a script), gets the google.rpc.Status JSON every JSON
/// route answers errors with, reason ROUTE_NOT_FOUND, pointing at the OpenAPI document. gRPC calls skip all of this: they answer
/// errors in trailers, and an unknown method is grpc-dotnet's UNIMPLEMENTED.
/// </summary>
public static class ErrorPages
{
    // WebApplication keeps its route builder out of branches ("their own routing world"), and the
    // framework's re-execution only reroutes on the root pipeline. The branch gets the builder
    // back so that re-executing the status page's path routes it.
    private const string GlobalEndpointRouteBuilderKey = "__GlobalEndpointRouteBuilder";

    public static WebApplication UsePilotdeckErrorPages(this WebApplication app)
    {
        var portal = EndpointConfiguration.HostsPortal(app.Configuration);
        app.UseWhen(http => !GrpcRequests.IsGrpc(http.Request), branch =>
        {
            branch.Properties[GlobalEndpointRouteBuilderKey] = app;
            branch.Use(next =>
            {
                var statusPage = branch.New();
                statusPage.UseRouting();
                statusPage.Run(next);
                var routedStatusPage = statusPage.Build();
                var options = new StatusCodePagesOptions
                {
                    HandleAsync = context => portal && AcceptsHtml(context.HttpContext.Request)
                        ? RenderStatusPageAsync(context.HttpContext, routedStatusPage)
                        : WriteRouteNotFoundAsync(context.HttpContext),
                };
                return new StatusCodePagesMiddleware(next, Options.Create(options)).Invoke;
            });
        });
        return app;
    }

    private static async Task RenderStatusPageAsync(HttpContext http, RequestDelegate routedStatusPage)
    {
        var request = http.Request;
        var (path, query) = (request.Path, request.QueryString);
        http.Features.Set<IStatusCodeReExecuteFeature>(new StatusCodeReExecuteFeature
        {
            OriginalPathBase = request.PathBase.Value ?? "",
            OriginalPath = path.Value ?? "/",
            OriginalQueryString = query.HasValue ? query.Value : null,
            Endpoint = http.GetEndpoint(),
        });
        http.SetEndpoint(null);
        http.Request.RouteValues.Clear();
        request.Path = string.Format(CultureInfo.InvariantCulture, PortalRegistration.StatusPagePath, http.Response.StatusCode);
        request.QueryString = QueryString.Empty;
        try
        {
            await routedStatusPage(http);
        }
        finally
        {
            (request.Path, request.QueryString) = (path, query);
            http.Features.Set<IStatusCodeReExecuteFeature?>(null);
        }
    }

    private static async Task WriteRouteNotFoundAsync(HttpContext http)
    {
        // Routing answers 404 with no endpoint for an unknown path, and 405 (with Allow) for a
        // known path asked with another method; any other bodiless error is left as it is.
        var (method, path, allow) = (http.Request.Method, http.Request.Path.Value ?? "/", http.Response.Headers.Allow.ToString());
        var status = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound when http.GetEndpoint() is null => NotFound(http, method, path),
            StatusCodes.Status405MethodNotAllowed => ApiErrors.Create(StatusCode.Unimplemented, ErrorReason.RouteNotFound,
                $"{path} answers {allow} only, not {method}. The HTTP/JSON routes are listed in {JsonApi.DocumentPath}.",
                new Dictionary<string, string> { ["method"] = method, ["path"] = path, ["allow"] = allow }),
            _ => null,
        };
        if (status is null)
        {
            return;
        }

        await ApiErrors.WriteJsonAsync(http.Response, status);
    }

    private static RpcException NotFound(HttpContext http, string method, string path)
    {
        var metadata = new Dictionary<string, string> { ["method"] = method, ["path"] = path };
        var meant = RouteSpelling.Nearest(method, path, http.RequestServices.GetRequiredService<EndpointDataSource>());
        if (meant is not null)
        {
            metadata["did_you_mean"] = meant;
        }

        return ApiErrors.Create(StatusCode.NotFound, ErrorReason.RouteNotFound,
            $"No route answers {method} {path}.{(meant is null ? "" : $" Did you mean {meant}?")} The HTTP/JSON routes are listed in {JsonApi.DocumentPath} (browsable at /{JsonApi.ReferencePath}).",
            metadata);
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(accept => accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase));
}
