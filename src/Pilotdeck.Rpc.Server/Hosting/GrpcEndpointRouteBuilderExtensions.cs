using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pilotdeck.Rpc.Server;

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <typeparamref name="TService"/> (a class deriving from a generated
    /// service base) to its route. The implementation is resolved from DI per call, or created
    /// with its constructor dependencies when it is not registered.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints)
        where TService : class
    {
        var services = endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Copy();
        if (services.GetService<IOptions<ServiceOptionsOverrides>>()?.Value.For.GetValueOrDefault(typeof(TService)) is { } configure)
        {
            configure(options);
        }

        var interceptors = options.Interceptors
            .Select(t => (Interceptor)ActivatorUtilities.GetServiceOrCreateInstance(services, t))
            .ToList();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Pilotdeck.Rpc.Server");
        var binder = new EndpointServiceBinder(options, interceptors, logger);

        var bindAttribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true)
            ?? throw new InvalidOperationException($"{typeof(TService)} does not derive from a generated service base ([BindServiceMethod] not found).");
        var bindMethod = bindAttribute.BindType.GetMethod(bindAttribute.BindMethodName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{bindAttribute.BindType}.{bindAttribute.BindMethodName} not found.");
        Func<ServerCallContext, TService> factory = context =>
            ActivatorUtilities.GetServiceOrCreateInstance<TService>(((HttpServerCallContext)context).HttpContext.RequestServices);
        bindMethod.Invoke(null, [binder, factory]);

        if (binder.Descriptor is not null)
        {
            services.GetRequiredService<ServiceRegistry>().Add(binder.Descriptor);
        }

        var builders = new List<IEndpointConventionBuilder>();
        foreach (var (method, handler) in binder.Routes)
        {
            builders.Add(endpoints.MapPost(method.FullName, handler).WithDisplayName("gRPC " + method.FullName));
        }

        EnsureUnimplementedRoute(endpoints, options, logger);
        return new CompositeConventionBuilder(builders);
    }

    /// <summary>
    /// One catch-all per route builder so unknown services and methods get UNIMPLEMENTED instead
    /// of a bare 404. It runs last, so any real route wins.
    /// </summary>
    private static void EnsureUnimplementedRoute(IEndpointRouteBuilder endpoints, GrpcServiceOptions options, ILogger logger)
    {
        if (endpoints.DataSources.SelectMany(d => d.Endpoints).Any(e => e.Metadata.GetMetadata<UnimplementedRouteMarker>() is not null))
        {
            return;
        }

        endpoints.MapPost("{service}/{method}", ServerCallHandlers.Unimplemented(options, logger))
            .WithMetadata(new UnimplementedRouteMarker())
            .WithDisplayName("gRPC unimplemented")
            .Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
    }

    private sealed class UnimplementedRouteMarker
    {
    }

    private sealed class CompositeConventionBuilder : IEndpointConventionBuilder
    {
        private readonly IReadOnlyList<IEndpointConventionBuilder> _builders;

        public CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) => _builders = builders;

        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in _builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in _builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
