using Microsoft.Extensions.DependencyInjection;

namespace Pilotdeck.Rpc.Server;

/// <summary>Returned by <see cref="GrpcServiceCollectionExtensions.AddGrpc"/> to add per-service settings.</summary>
public sealed class GrpcServerBuilder
{
    internal GrpcServerBuilder(IServiceCollection services)
    {
        Services = services;
    }

    public IServiceCollection Services { get; }

    /// <summary>Settings for one service, applied on top of the server-wide ones.</summary>
    public GrpcServerBuilder AddServiceOptions<TService>(Action<GrpcServiceOptions> configure)
        where TService : class
    {
        Services.Configure<ServiceOptionsOverrides>(o => o.For[typeof(TService)] = o.For.GetValueOrDefault(typeof(TService)) + configure);
        return this;
    }
}

/// <summary>Per-service configuration actions, keyed by service implementation type.</summary>
internal sealed class ServiceOptionsOverrides
{
    public Dictionary<Type, Action<GrpcServiceOptions>> For { get; } = new();
}

public static class GrpcServiceCollectionExtensions
{
    /// <summary>Registers the gRPC runtime: options, the service registry and routing.</summary>
    public static GrpcServerBuilder AddGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        services.AddRouting();
        services.AddOptions<GrpcServiceOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddSingleton<ServiceRegistry>();
        return new GrpcServerBuilder(services);
    }
}
