using Pilotdeck.Rpc.Server;
using Pilotdeck.Server.Features.System;

namespace Pilotdeck.Server.Hosting;

/// <summary>The one place that lists what the host serves.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddPilotdeckServices(this IServiceCollection services)
    {
        services.AddGrpc();
        services.AddPilotdeckReflectionAndHealth();
        services.AddSingleton(BuildInfoProvider.FromAssembly(typeof(Program).Assembly));
        return services;
    }

    public static WebApplication MapPilotdeckServices(this WebApplication app)
    {
        app.MapGrpcService<SystemService>();
        app.MapGrpcReflectionAndHealth();
        return app;
    }
}
