using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
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
/// anything else that asked for a path no route answers (curl on the JSON port, a typo in a
/// script) gets the google.rpc.Status JSON every JSON route answers errors with, reason
/// ROUTE_NOT_FOUND, pointing at the OpenAPI document. gRPC calls skip all of this: they answer
/// errors in trailers, and an unknown method is grpc-dotnet's UNIMPLEMENTED.
/// </summary>
public static class ErrorPages
{
    // WebApplication keeps its route builder out of branches ("their own routing world"), and the
    // framework's re-execution only reroutes on the root pipeline. The branch gets the builder
    // back so that re-executing the status page's path routes it.
    private const string GlobalEndpointRouteBuilderKey = "__GlobalEndpointRouteBuilder";

    private static readonly JsonFormatter StatusJson = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(TypeRegistry.FromMessages(Google.Rpc.ErrorInfo.Descriptor)));

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
        if (http.Response.StatusCode != StatusCodes.Status404NotFound || http.GetEndpoint() is not null)
        {
            return;
        }

        var (method, path) = (http.Request.Method, http.Request.Path.Value ?? "/");
        var status = ApiErrors.Create(StatusCode.NotFound, ErrorReason.RouteNotFound,
            $"No route answers {method} {path}. The HTTP/JSON routes are listed in {JsonApi.DocumentPath} (browsable at /{JsonApi.ReferencePath}).",
            new Dictionary<string, string> { ["method"] = method, ["path"] = path }).GetRpcStatus()!;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(StatusJson.Format(status), http.RequestAborted);
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(accept => accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase));
}
