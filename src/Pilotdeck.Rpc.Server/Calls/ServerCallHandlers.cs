using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc.Server;

/// <summary>Turns a typed handler of each call type into the request delegate for its route.</summary>
internal static class ServerCallHandlers
{
    // Each factory builds the call body once, so a request allocates no closure beyond its own state.
    public static RequestDelegate Unary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler, GrpcServiceOptions options, ILogger logger)
        where TRequest : class
        where TResponse : class
    {
        async Task Body(HttpServerCallContext call)
        {
            var request = await ReadSingleRequestAsync(call, method.RequestMarshaller).ConfigureAwait(false);
            var response = await handler(request, call).ConfigureAwait(false);
            await call.WriteMessageAsync(method.ResponseMarshaller, response, null, flush: false, call.CancellationToken).ConfigureAwait(false);
        }

        Func<HttpServerCallContext, Task> body = Body;
        return http => RunAsync(http, method.FullName, options, logger, body);
    }

    public static RequestDelegate ClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler, GrpcServiceOptions options, ILogger logger)
        where TRequest : class
        where TResponse : class
    {
        async Task Body(HttpServerCallContext call)
        {
            var response = await handler(new RequestStreamReader<TRequest>(call, method.RequestMarshaller), call).ConfigureAwait(false);
            await call.WriteMessageAsync(method.ResponseMarshaller, response, null, flush: false, call.CancellationToken).ConfigureAwait(false);
        }

        Func<HttpServerCallContext, Task> body = Body;
        return http => RunAsync(http, method.FullName, options, logger, body);
    }

    public static RequestDelegate ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler, GrpcServiceOptions options, ILogger logger)
        where TRequest : class
        where TResponse : class
    {
        async Task Body(HttpServerCallContext call)
        {
            var request = await ReadSingleRequestAsync(call, method.RequestMarshaller).ConfigureAwait(false);
            await handler(request, new ResponseStreamWriter<TResponse>(call, method.ResponseMarshaller), call).ConfigureAwait(false);
        }

        Func<HttpServerCallContext, Task> body = Body;
        return http => RunAsync(http, method.FullName, options, logger, body);
    }

    public static RequestDelegate DuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler, GrpcServiceOptions options, ILogger logger)
        where TRequest : class
        where TResponse : class
    {
        Func<HttpServerCallContext, Task> body = call =>
            handler(new RequestStreamReader<TRequest>(call, method.RequestMarshaller), new ResponseStreamWriter<TResponse>(call, method.ResponseMarshaller), call);
        return http => RunAsync(http, method.FullName, options, logger, body);
    }

    /// <summary>Answers a path no service serves: UNIMPLEMENTED, as a Trailers-Only response.</summary>
    public static RequestDelegate Unimplemented(GrpcServiceOptions options, ILogger logger) =>
        http => RunAsync(http, http.Request.Path.Value ?? "", options, logger, call =>
            throw new RpcException(new Status(StatusCode.Unimplemented, $"Method '{call.Method}' is not implemented by this server.")));

    private static async Task RunAsync(HttpContext http, string method, GrpcServiceOptions options, ILogger logger, Func<HttpServerCallContext, Task> body)
    {
        if (!HttpProtocolIsHttp2(http))
        {
            // gRPC needs HTTP/2 trailers; tell an HTTP/1.x client to upgrade instead of half-answering.
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers.Upgrade = "h2c";
            http.Response.Headers.Connection = "Upgrade";
            logger.LogInformation("gRPC {Method} refused: {Protocol} is not HTTP/2", method, http.Request.Protocol);
            return;
        }

        if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            http.Response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode($"Content-Type '{http.Request.ContentType}' is not supported; use application/grpc.");
            logger.LogInformation("gRPC {Method} refused: content-type {ContentType}", method, http.Request.ContentType);
            return;
        }

        using var call = new HttpServerCallContext(http, method, options, logger);
        if (await call.TryStartAsync().ConfigureAwait(false))
        {
            Exception? error = null;
            try
            {
                await body(call).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                error = ex;
            }

            await call.CompleteAsync(error).ConfigureAwait(false);
        }

        CallLog.Completed(logger, call);
    }

    private static bool HttpProtocolIsHttp2(HttpContext http) => HttpProtocol.IsHttp2(http.Request.Protocol) || HttpProtocol.IsHttp3(http.Request.Protocol);

    private static async ValueTask<TRequest> ReadSingleRequestAsync<TRequest>(HttpServerCallContext call, Marshaller<TRequest> marshaller)
        where TRequest : class
    {
        var request = await call.ReadMessageAsync(marshaller, call.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.Internal, "Request ended without a message; this method takes exactly one."));
        if (await call.ReadMessageAsync(marshaller, call.CancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Request carried more than one message; this method takes exactly one."));
        }

        return request;
    }
}

internal sealed class RequestStreamReader<T> : IAsyncStreamReader<T>
    where T : class
{
    private readonly HttpServerCallContext _call;
    private readonly Marshaller<T> _marshaller;
    private T? _current;

    public RequestStreamReader(HttpServerCallContext call, Marshaller<T> marshaller)
    {
        _call = call;
        _marshaller = marshaller;
    }

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.CancellationToken) : null;
        _current = await _call.ReadMessageAsync(_marshaller, linked?.Token ?? _call.CancellationToken).ConfigureAwait(false);
        return _current is not null;
    }
}

internal sealed class ResponseStreamWriter<T> : IServerStreamWriter<T>
{
    private readonly HttpServerCallContext _call;
    private readonly Marshaller<T> _marshaller;

    public ResponseStreamWriter(HttpServerCallContext call, Marshaller<T> marshaller)
    {
        _call = call;
        _marshaller = marshaller;
    }

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
        _call.WriteMessageAsync(_marshaller, message, WriteOptions, flush: true, cancellationToken.CanBeCanceled ? cancellationToken : _call.CancellationToken);
}
