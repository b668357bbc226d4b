using Serilog;
using Serilog.Formatting.Json;

namespace Pilotdeck.Server.Hosting;

/// <summary>
/// Serilog: readable lines on the console and a daily-rolling JSON file for machines
/// (<c>Pilotdeck:Logging:Directory</c>, default <c>.data/logs</c>). Per-call lines carry method,
/// status, duration, tenant and actor; tokens, secrets and personal data are never logged.
/// </summary>
public static class Logging
{
    public static WebApplicationBuilder AddPilotdeckLogging(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["Pilotdeck:Logging:Directory"]
            ?? Path.Combine(Data.DatabaseOptions.From(builder.Configuration).DataDirectory, "logs");
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", Serilog.Events.LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}")
            .WriteTo.File(new JsonFormatter(renderMessage: true), Path.Combine(directory, "pilotdeck-.json"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14)
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }
}
