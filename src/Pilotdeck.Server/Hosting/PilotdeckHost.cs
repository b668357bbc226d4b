using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Database;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Hosting;

/// <summary>Builds the host; Program runs it and tests start it on a free loopback port.</summary>
public static class PilotdeckHost
{
    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json ships beside the binary; resolve it there, whatever the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddPilotdeckLogging();
        builder.AddPilotdeckTelemetry();
        builder.AddPilotdeckEndpoints();
        builder.Services.AddPilotdeckServices(builder.Configuration);

        var app = builder.Build();
        if (EndpointConfiguration.HostsApi(app.Configuration))
        {
            await app.PrepareDatabaseAsync();
            await DeviceVerification.EnsureCliClientAsync(app.Services, CancellationToken.None);
        }

        app.UsePilotdeckErrorPages();
        app.UsePilotdeckFormLimitsCheck();
        app.UsePilotdeckAuthentication();
        app.UsePilotdeckRequestLogging();
        app.MapPilotdeckServices();
        app.ReportListeningAddresses();
        return app;
    }
}
