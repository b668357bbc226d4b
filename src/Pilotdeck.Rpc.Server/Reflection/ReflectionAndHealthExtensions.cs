using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pilotdeck.Rpc.Server.Health;
using Pilotdeck.Rpc.Server.Reflection;

// In the runtime's namespace, beside AddGrpc/MapGrpcService, so hosts find it without another using.
namespace Pilotdeck.Rpc.Server;

public static class ReflectionAndHealthExtensions
{
    /// <summary>
    /// Registers server reflection (v1 and v1alpha) and grpc.health.v1, plus the
    /// <see cref="HealthStatusStore"/> other code sets statuses on. Map them with
    /// <see cref="MapGrpcReflectionAndHealth"/>.
    /// </summary>
    public static IServiceCollection AddPilotdeckReflectionAndHealth(this IServiceCollection services)
    {
        // AddGrpc registers the registry too; TryAdd keeps a single one whichever runs first.
        services.TryAddSingleton<ServiceRegistry>();
        services.TryAddSingleton<ServerReflectionCore>();
        services.TryAddSingleton<ReflectionServiceV1>();
        services.TryAddSingleton<ReflectionServiceV1Alpha>();
        services.TryAddSingleton<HealthStatusStore>();
        services.TryAddSingleton<HealthService>();
        return services;
    }

    /// <summary>
    /// Maps reflection v1, v1alpha and health. The returned builder applies conventions to all
    /// three, e.g. <c>.AllowAnonymous()</c> so probes and tooling work without credentials.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcReflectionAndHealth(this IEndpointRouteBuilder endpoints)
    {
        return new ConventionBuilders(
        [
            endpoints.MapGrpcService<ReflectionServiceV1>(),
            endpoints.MapGrpcService<ReflectionServiceV1Alpha>(),
            endpoints.MapGrpcService<HealthService>(),
        ]);
    }

    private sealed class ConventionBuilders(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
