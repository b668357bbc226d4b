namespace Pilotdeck.Rpc;

/// <summary>Starts each call as one HTTP/2 request on the channel.</summary>
internal sealed class HttpCallInvoker : CallInvoker
{
    private readonly GrpcChannel _channel;

    public HttpCallInvoker(GrpcChannel channel) => _channel = channel;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options, TRequest request)
    {
        var call = new ClientCall<TRequest, TResponse>(_channel, method, options);
        var response = call.RunUnaryAsync(request);
        return new AsyncUnaryCall<TResponse>(response, call.State);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options, TRequest request)
    {
        var call = new ClientCall<TRequest, TResponse>(_channel, method, options);
        call.StartWithSingleRequest(request);
        return new AsyncServerStreamingCall<TResponse>(call.ResponseStream, call.State);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var call = new ClientCall<TRequest, TResponse>(_channel, method, options);
        var requests = call.StartWithRequestStream();
        return new AsyncClientStreamingCall<TRequest, TResponse>(requests, call.ReadSingleResponseAsync(), call.State);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var call = new ClientCall<TRequest, TResponse>(_channel, method, options);
        var requests = call.StartWithRequestStream();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(requests, call.ResponseStream, call.State);
    }
}
