using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pilotdeck.Rpc.Server;

/// <summary>Collects one route per method from a service's generated BindService, wrapping handlers in the interceptors.</summary>
internal sealed class EndpointServiceBinder : ServiceBinderBase
{
    private readonly GrpcServiceOptions _options;
    private readonly IReadOnlyList<Interceptor> _interceptors;
    private readonly ILogger _logger;

    public EndpointServiceBinder(GrpcServiceOptions options, IReadOnlyList<Interceptor> interceptors, ILogger logger)
    {
        _options = options;
        _interceptors = interceptors;
        _logger = logger;
    }

    public List<(IMethod Method, RequestDelegate Handler)> Routes { get; } = new();

    public Google.Protobuf.Reflection.ServiceDescriptor? Descriptor { get; private set; }

    public override void AddServiceDescriptor(Google.Protobuf.Reflection.ServiceDescriptor descriptor) => Descriptor = descriptor;

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
    {
        for (var i = _interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (_interceptors[i], handler);
            handler = (request, context) => interceptor.UnaryServerHandler(request, context, next);
        }

        Routes.Add((method, ServerCallHandlers.Unary(method, handler, _options, _logger)));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
    {
        for (var i = _interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (_interceptors[i], handler);
            handler = (requests, context) => interceptor.ClientStreamingServerHandler(requests, context, next);
        }

        Routes.Add((method, ServerCallHandlers.ClientStreaming(method, handler, _options, _logger)));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
    {
        for (var i = _interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (_interceptors[i], handler);
            handler = (request, responses, context) => interceptor.ServerStreamingServerHandler(request, responses, context, next);
        }

        Routes.Add((method, ServerCallHandlers.ServerStreaming(method, handler, _options, _logger)));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
    {
        for (var i = _interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (_interceptors[i], handler);
            handler = (requests, responses, context) => interceptor.DuplexStreamingServerHandler(requests, responses, context, next);
        }

        Routes.Add((method, ServerCallHandlers.DuplexStreaming(method, handler, _options, _logger)));
    }
}
