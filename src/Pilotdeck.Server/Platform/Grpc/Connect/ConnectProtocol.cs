using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace Pilotdeck.Server.Platform.Grpc.Connect;

/// <summary>
/// The Connect protocol on every gRPC method (ADR 0033): <c>buf curl</c> without
/// <c>--protocol</c>, connect-go and connect-es clients, and plain <c>curl</c> posting JSON to
/// <c>/package.Service/Method</c>. Each call is turned into the gRPC call grpc-dotnet serves —
/// same interceptors, limits and errors — and its answer back into Connect's form.
/// </summary>
/// <remarks>
/// Unary calls take <c>application/proto</c> or <c>application/json</c> (converted through the
/// method's descriptors); streaming calls take <c>application/connect+proto</c>, whose envelopes are
/// gRPC's own. Anything else on a gRPC method (a form, text, streaming JSON) is answered with why
/// and what to send instead, never grpc-dotnet's bare 415.
/// </remarks>
internal static class ConnectProtocol
{
    public static void UsePilotdeckConnect(this WebApplication app) =>
        app.Use((http, next) => !GrpcRequests.IsGrpc(http.Request) && GrpcMethodOf(http) is { } method
            ? ServeAsync(http, next, method)
            : next(http));

    /// <summary>The gRPC method the request's route is, or null (a JSON route is a gRPC method's too, but is served as JSON).</summary>
    private static GrpcMethodMetadata? GrpcMethodOf(HttpContext http) =>
        http.GetEndpoint()?.Metadata is { } metadata && metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is null
            ? metadata.GetMetadata<GrpcMethodMetadata>()
            : null;

    private static async Task ServeAsync(HttpContext http, RequestDelegate next, GrpcMethodMetadata grpc)
    {
        var mediaType = (http.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var unary = grpc.Method.Type == MethodType.Unary;
        var codec = mediaType switch
        {
            "application/connect+proto" => ConnectCodec.StreamingProto,
            "application/proto" when unary => ConnectCodec.UnaryProto,
            "application/json" when unary && DescriptorOf(http, grpc) is not null => ConnectCodec.UnaryJson,
            _ => (ConnectCodec?)null,
        };
        if (codec is not { } chosen)
        {
            await ConnectResponse.WriteUnaryErrorAsync(http, StatusCode.InvalidArgument, UnsupportedMessage(http, grpc, mediaType, unary), httpStatus: StatusCodes.Status415UnsupportedMediaType);
            return;
        }

        var request = http.Request;
        var protocol = request.Protocol;
        RewriteHeaders(request, chosen);
        IRequestBodyPipeFeature? originalBody = null;
        if (chosen != ConnectCodec.StreamingProto)
        {
            var framed = await FrameUnaryAsync(http, grpc, chosen);
            if (framed is null)
            {
                return;
            }

            originalBody = http.Features.Get<IRequestBodyPipeFeature>();
            http.Features.Set<IRequestBodyPipeFeature>(new RequestBody(PipeReader.Create(new MemoryStream(framed))));
            request.ContentLength = framed.Length;
        }

        // grpc-dotnet serves HTTP/2 only; Connect runs over HTTP/1.1 as well (as gRPC-Web does).
        request.Protocol = "HTTP/2";
        request.ContentType = "application/grpc";
        var response = new ConnectResponse(http, chosen, chosen == ConnectCodec.UnaryJson ? DescriptorOf(http, grpc) : null);
        http.Response.OnStarting(() =>
        {
            request.Protocol = protocol;
            return Task.CompletedTask;
        });
        try
        {
            await next(http);
            await response.FinishAsync();
        }
        finally
        {
            response.Detach();
            if (originalBody is not null)
            {
                http.Features.Set(originalBody);
            }
        }
    }

    /// <summary>Connect's headers as grpc-dotnet reads them: the deadline and the message encodings.</summary>
    private static void RewriteHeaders(HttpRequest request, ConnectCodec codec)
    {
        var headers = request.Headers;
        if (long.TryParse(headers["connect-timeout-ms"], out var milliseconds) && milliseconds >= 0)
        {
            // gRPC's timeout has at most eight digits.
            headers["grpc-timeout"] = milliseconds <= 99_999_999 ? $"{milliseconds}m" : $"{Math.Min(milliseconds / 1000, 99_999_999)}S";
        }

        if (codec == ConnectCodec.StreamingProto)
        {
            Move(headers, "connect-content-encoding", "grpc-encoding");
            Move(headers, "connect-accept-encoding", "grpc-accept-encoding");
        }
        else
        {
            Move(headers, "content-encoding", "grpc-encoding");
            // The unary answer is one buffered message, sent as it is.
            headers["grpc-accept-encoding"] = "identity";
        }
    }

    private static void Move(IHeaderDictionary headers, string from, string to)
    {
        if (headers.Remove(from, out var value))
        {
            headers[to] = value;
        }
    }

    /// <summary>
    /// The unary body as one gRPC message envelope (JSON converted to protobuf first), read up to the
    /// message limit; null when it was refused (answered already).
    /// </summary>
    private static async Task<byte[]?> FrameUnaryAsync(HttpContext http, GrpcMethodMetadata grpc, ConnectCodec codec)
    {
        var limit = http.RequestServices.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.MaxReceiveMessageSize ?? int.MaxValue;
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            if (body.Length + read > limit)
            {
                await ConnectResponse.WriteUnaryErrorAsync(http, StatusCode.ResourceExhausted, $"The request is larger than the server's limit of {limit} bytes.");
                return null;
            }

            body.Write(buffer, 0, read);
        }

        var message = body.ToArray();
        var compressed = http.Request.Headers["grpc-encoding"] is { Count: > 0 } encoding && encoding != "identity";
        if (codec == ConnectCodec.UnaryJson)
        {
            if (compressed)
            {
                await ConnectResponse.WriteUnaryErrorAsync(http, StatusCode.InvalidArgument, "A JSON body is read uncompressed: send it without content-encoding.", httpStatus: StatusCodes.Status415UnsupportedMediaType);
                return null;
            }

            try
            {
                var text = System.Text.Encoding.UTF8.GetString(message);
                message = JsonParser.Default.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text, DescriptorOf(http, grpc)!.InputType).ToByteArray();
            }
            catch (Exception ex) when (ex is InvalidJsonException or InvalidProtocolBufferException or FormatException)
            {
                await ConnectResponse.WriteUnaryErrorAsync(http, StatusCode.InvalidArgument, $"The request body is not a {DescriptorOf(http, grpc)!.InputType.FullName} in JSON: {ex.Message}");
                return null;
            }
        }

        var framed = new byte[5 + message.Length];
        framed[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    private static MethodDescriptor? DescriptorOf(HttpContext http, GrpcMethodMetadata grpc) =>
        http.RequestServices.GetRequiredService<ServedServices>().Find(grpc.Method.ServiceName)?.FindMethodByName(grpc.Method.Name);

    private static string UnsupportedMessage(HttpContext http, GrpcMethodMetadata grpc, string mediaType, bool unary)
    {
        var path = grpc.Method.FullName; // "/package.Service/Method"
        var accepted = unary ? "application/proto or application/json (Connect unary)" : "application/connect+proto (Connect streaming)";
        var message = $"{path} is a gRPC method: send it as gRPC, gRPC-Web or {accepted}, not '{(mediaType.Length == 0 ? "no content type" : mediaType)}'.";
        return JsonRouteOf(http, path) is { } route ? $"{message} Its JSON route is {route}." : message;
    }

    /// <summary>"GET /v1/members": the method's HTTP/JSON route, when it has one.</summary>
    private static string? JsonRouteOf(HttpContext http, string methodPath) =>
        http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()?.MethodDescriptor is { } m && $"/{m.Service.FullName}/{m.Name}" == methodPath)
            .Select(e => $"{e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault()} {e.RoutePattern.RawText}")
            .FirstOrDefault();

    private sealed class RequestBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }
}

internal enum ConnectCodec
{
    UnaryProto,
    UnaryJson,
    StreamingProto,
}
