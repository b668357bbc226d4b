using System.Reflection;
using Microsoft.AspNetCore.Builder;
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
        bindMethod.Invoke(null, [binder, ServiceFactory<TService>(services)]);

        if (binder.Descriptor is not null)
        {
            services.GetRequiredService<ServiceRegistry>().Add(binder.Descriptor);
        }

        var builders = new List<IEndpointConventionBuilder>();
        foreach (var (method, handler) in binder.Routes)
        {
            builders.Add(endpoints.MapPost(method.FullName, handler).WithDisplayName("gRPC " + method.FullName));
        }

        return new CompositeConventionBuilder(builders);
    }

    /// <summary>
    /// Resolves the implementation per call: from DI when registered, else constructed with its
    /// dependencies from the call's scope. The constructor lookup happens once, here, not per call,
    /// and a dependency-free service never touches the request's DI scope.
    /// </summary>
    private static Func<ServerCallContext, TService> ServiceFactory<TService>(IServiceProvider services)
        where TService : class
    {
        if (services.GetService<IServiceProviderIsService>()?.IsService(typeof(TService)) == true)
        {
            return context => context.GetHttpContext().RequestServices.GetRequiredService<TService>();
        }

        var constructors = typeof(TService).GetConstructors();
        if (constructors.Length == 1 && constructors[0].GetParameters().Length == 0)
        {
            return _ => Activator.CreateInstance<TService>();
        }

        var create = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);
        return context => create(context.GetHttpContext().RequestServices, null);
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
