using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        services.AddTransient<IStartupFilter, UnimplementedCallsStartupFilter>();
        return new GrpcServerBuilder(services);
    }
}

/// <summary>
/// Answers gRPC requests that no route matched with UNIMPLEMENTED rather than a bare 404. It sits
/// after the endpoint middleware, so matched calls never pay for it and no catch-all route competes
/// with real ones (or with the portal's pages) in the route table.
/// </summary>
internal sealed class UnimplementedCallsStartupFilter(IOptions<GrpcServiceOptions> options, ILoggerFactory loggers) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        var unimplemented = ServerCallHandlers.Unimplemented(options.Value, loggers.CreateLogger("Pilotdeck.Rpc.Server"));
        app.Run(context => HttpMethods.IsPost(context.Request.Method) && Rpc.Wire.GrpcProtocol.IsGrpcContentType(context.Request.ContentType)
            ? unimplemented(context)
            : WriteNotFound(context));
    };

    private static Task WriteNotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
