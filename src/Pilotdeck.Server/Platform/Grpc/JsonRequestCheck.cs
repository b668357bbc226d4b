using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Checks what a JSON route's request carries before the transcoder reads it — its query string
/// (<see cref="JsonQueryCheck"/>), then its JSON body (<see cref="JsonBodyCheck"/>, kept for the
/// transcoder) — and answers what is amiss as a google.rpc.Status with HTTP 400 (the query's
/// problems, else the body's; one field violation each), naming the field where the transcoder would
/// drop it silently or refuse it without saying which (ADR 0032).
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
                    try
                    {
                        error = await JsonBodyCheck.FindProblemAsync(http.Request.Body, request, route.HttpRule.Body, http.RequestAborted);
                    }
                    catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                    {
                        await ApiErrors.WriteJsonAsync(http.Response, TooLarge(http), StatusCodes.Status413PayloadTooLarge);
                        return;
                    }

                    http.Request.Body.Position = 0;
                }

                if (error is not null)
                {
                    await ApiErrors.WriteJsonAsync(http.Response, error, StatusCodes.Status400BadRequest);
                    return;
                }

                await next(http);
            }));

    /// <summary>Kestrel's own answer to a body over its limit is a bare 413; this one says what the limit is and what to do instead.</summary>
    private static RpcException TooLarge(HttpContext http)
    {
        var max = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.UploadTooLarge,
            $"The request body is larger than the {max?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes this server reads in one HTTP request; "
            + "send big files with the streaming uploads (UploadImport, UploadAttachment, AnalyzeProject), as the CLI and the SDKs do.",
            max is { } bytes ? new Dictionary<string, string> { ["max_upload_bytes"] = bytes.ToString(CultureInfo.InvariantCulture) } : null);
    }

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
