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
/// (<see cref="JsonQueryCheck"/>), then its body — and answers what is amiss as a google.rpc.Status
/// (the query's problems, else the body's; one field violation each), naming the field where the
/// transcoder would drop it silently or refuse it without saying which (ADR 0032). A body is read as
/// the transcoder reads it: none at all as <c>{}</c> (so <c>curl -X POST …:purge</c> needs no
/// <c>-d '{}'</c>); JSON in UTF-8 walked against the request message (<see cref="JsonBodyCheck"/>,
/// kept for the transcoder); JSON in another charset left to the transcoder, which converts it;
/// anything else (curl's <c>-d</c> without a content type sends a form) refused with 415 and how to
/// send JSON. Routes without a query string or a body skip it on one metadata lookup.
/// </summary>
public static class JsonRequestCheck
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static void UsePilotdeckJsonRequestCheck(this WebApplication app) =>
        app.UseWhen(http => http.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is { } route
                && (http.Request.QueryString.HasValue || route.HttpRule.Body.Length > 0),
            check => check.Use(next => async http =>
            {
                var route = http.GetEndpoint()!.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()!;
                var request = route.MethodDescriptor.InputType;
                var (error, status) = (JsonQueryCheck.FindProblem(http.Request.Query, request, route.HttpRule), StatusCodes.Status400BadRequest);
                if (error is null && route.HttpRule.Body.Length > 0)
                {
                    if (http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
                    {
                        ReadAsEmptyObject(http.Request);
                    }
                    else if (!IsJson(http.Request.ContentType, out var utf8))
                    {
                        (error, status) = (NotJson(http.Request.ContentType), StatusCodes.Status415UnsupportedMediaType);
                    }
                    else if (utf8)
                    {
                        http.Request.EnableBuffering();
                        try
                        {
                            error = await JsonBodyCheck.FindProblemAsync(http.Request.Body, request, route.HttpRule.Body, http.RequestAborted);
                        }
                        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                        {
                            (error, status) = (TooLarge(http), StatusCodes.Status413PayloadTooLarge);
                        }

                        http.Request.Body.Position = 0;
                        if (error is null && http.Request.Body.Length == 0)
                        {
                            ReadAsEmptyObject(http.Request);
                        }
                    }
                }

                if (error is not null)
                {
                    await ApiErrors.WriteJsonAsync(http.Response, error, status);
                    return;
                }

                await next(http);
            }));

    /// <summary>A request with no body, or a body of no bytes, reads as the empty message, as gRPC transcoding proxies read it.</summary>
    private static void ReadAsEmptyObject(HttpRequest request)
    {
        request.ContentType = "application/json";
        request.ContentLength = EmptyObject.Length;
        request.Body = new MemoryStream(EmptyObject, writable: false);
    }

    /// <summary>JSON as the transcoder takes it (application/json or a +json type); <paramref name="utf8"/> when it is in UTF-8, the only charset the body walk reads.</summary>
    private static bool IsJson(string? contentType, out bool utf8)
    {
        utf8 = false;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type)
            || !(type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        utf8 = !type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        return true;
    }

    private static RpcException NotJson(string? contentType) =>
        ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.RequestJsonInvalid,
            $"The request body is sent as {(string.IsNullOrEmpty(contentType) ? "no content type" : $"'{contentType}'")}; this route reads JSON. "
            + "Send it with 'content-type: application/json' (curl: --json '{…}', or -H 'content-type: application/json' -d '{…}').",
            new Dictionary<string, string> { ["content_type"] = contentType ?? "" });

    /// <summary>Kestrel's own answer to a body over its limit is a bare 413; this one says what the limit is and what to do instead.</summary>
    private static RpcException TooLarge(HttpContext http)
    {
        var max = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.UploadTooLarge,
            $"The request body is larger than the {max?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes this server reads in one HTTP request; "
            + "send big files with the streaming uploads (UploadImport, UploadAttachment, AnalyzeProject), as the CLI and the SDKs do.",
            max is { } bytes ? new Dictionary<string, string> { ["max_upload_bytes"] = bytes.ToString(CultureInfo.InvariantCulture) } : null);
    }
}
