using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Net.Http.Headers;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Checks what a JSON route's request carries before the transcoder reads it — its query string
/// (<see cref="JsonQueryCheck"/>), then its JSON body (<see cref="JsonBodyCheck"/>, kept for the
/// transcoder) — and answers the first problem as a google.rpc.Status with HTTP 400, naming the
/// field, where the transcoder would drop it silently or refuse it without saying which (ADR 0032).
/// Routes without a query string or a body skip it on one metadata lookup.
/// </summary>
public static class JsonRequestCheck
{
    public static void UsePilotdeckJsonRequestCheck(this WebApplication app) =>
        app.UseWhen(http => http.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is { } route
                && (http.Request.QueryString.HasValue || HasJsonBody(http, route)),
            check => check.Use(next => async http =>
            {
                var route = http.GetEndpoint()!.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()!;
                var request = route.MethodDescriptor.InputType;
                var error = JsonQueryCheck.FindProblem(http.Request.Query, request, route.HttpRule);
                if (error is null && HasJsonBody(http, route))
                {
                    http.Request.EnableBuffering();
                    error = await JsonBodyCheck.FindProblemAsync(http.Request.Body, request, route.HttpRule.Body, http.RequestAborted);
                    http.Request.Body.Position = 0;
                }

                if (error is not null)
                {
                    await ApiErrors.WriteJsonAsync(http.Response, error, StatusCodes.Status400BadRequest);
                    return;
                }

                await next(http);
            }));

    /// <summary>
    /// A route that takes a body (its rule's <c>body</c>), sent as JSON: the requests the transcoder
    /// parses. A body in another charset than UTF-8 (which the transcoder converts) is left to it.
    /// </summary>
    private static bool HasJsonBody(HttpContext http, GrpcJsonTranscodingMetadata route) =>
        route.HttpRule.Body.Length > 0
        && MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        && (!type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
}
