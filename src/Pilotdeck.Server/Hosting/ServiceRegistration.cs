using Microsoft.AspNetCore.DataProtection;
using Pilotdeck.Data;
using Pilotdeck.Portal;
using Pilotdeck.Rpc.Server;
using Pilotdeck.Server.Features.Guardian;
using Pilotdeck.Server.Features.Identity;
using Pilotdeck.Server.Features.System;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Paging;

namespace Pilotdeck.Server.Hosting;

/// <summary>The one place that lists what the host serves.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddPilotdeckServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPilotdeckData(configuration);
        services.AddDataProtection()
            .SetApplicationName("pilotdeck")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DatabaseOptions.From(configuration).DataDirectory, "keys")));

        services.AddSingleton<AccessPolicyCatalog>();
        services.AddSingleton<AccessPolicyInterceptor>();
        services.AddScoped<CallerAccessor>();
        services.AddScoped<IdempotentCreates>();
        services.AddScoped<Pager>();
        services.AddGuardianFeature(configuration);

        services.AddGrpc(options => options.Interceptors.Add(typeof(AccessPolicyInterceptor)));
        services.AddPilotdeckReflectionAndHealth();
        services.AddPilotdeckPortal(configuration);
        services.AddSingleton(BuildInfoProvider.FromAssembly(typeof(PilotdeckHost).Assembly));
        return services;
    }

    public static WebApplication MapPilotdeckServices(this WebApplication app)
    {
        app.MapGrpcService<SystemService>();
        app.MapGrpcService<IdentityService>();
        app.MapGrpcService<GuardianService>();
        app.MapGrpcReflectionAndHealth();
        app.MapOAuthEndpoints();
        app.MapPilotdeckPortal();
        return app;
    }
}
