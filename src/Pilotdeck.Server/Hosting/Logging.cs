using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Pilotdeck.Server.Hosting;

/// <summary>
/// Serilog through Serilog.AspNetCore: readable lines on the console and a daily-rolling compact
/// JSON file (CLEF) for machines (<c>Pilotdeck:Logging:Directory</c>, default <c>&lt;data directory&gt;/logs</c>).
/// Levels and any further sinks come from the <c>Serilog</c> configuration section. One line per
/// request carries method, status, duration, tenant and actor; tokens, secrets and personal data
/// are never logged.
/// </summary>
public static class Logging
{
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static WebApplicationBuilder AddPilotdeckLogging(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["Pilotdeck:Logging:Directory"]
            ?? Path.Combine(Data.DatabaseOptions.From(builder.Configuration).DataDirectory, "logs");
        builder.Services.AddSerilog((services, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            // Formatting and writing happen on one background thread, not in the request
            // (docs/performance.md). A full buffer makes requests wait rather than lose lines (the
            // bench proved that dropping them under load is real); the logger is flushed when the
            // host stops. The console shows the message (a request's method, path, outcome and
            // time); every property (tenant, actor, trace id, ...) goes to the file as compact JSON
            // (CLEF), written in blocks and flushed to disk every second rather than per line.
            // Events carry Activity's trace and span ids (@tr, @sp), which correlate a request's
            // lines here and across services; ASP.NET Core's log scopes (RequestId, ConnectionId)
            // are not copied onto every event.
            .WriteTo.Async(sinks =>
            {
                // A terminal gets Serilog's coloured lines. Where a program reads stdout (a pipe, a
                // file, a container's log) the sink writes no colours anyway, and Serilog's plain
                // formatter renders the same text for about a third less CPU per line.
                if (Console.IsOutputRedirected)
                {
                    sinks.Console(new MessageTemplateTextFormatter(ConsoleTemplate));
                }
                else
                {
                    sinks.Console(outputTemplate: ConsoleTemplate);
                }

                sinks.File(new CompactJsonFormatter(), Path.Combine(directory, "pilotdeck-.json"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14,
                    buffered: true, flushToDiskInterval: TimeSpan.FromSeconds(1));
            }, blockWhenFull: true));
        return builder;
    }

    /// <summary>
    /// The per-request line. A gRPC call's outcome is its grpc-status, not the HTTP status (a failed
    /// call is still HTTP 200), so that is what the line reports, as <c>GrpcStatus</c>.
    /// </summary>
    public static WebApplication UsePilotdeckRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "{RequestMethod} {RequestPath} -> {Outcome} in {Elapsed:0.0} ms";
            options.EnrichDiagnosticContext = (log, http) =>
            {
                var grpcStatus = GrpcStatusOf(http);
                log.Set("Outcome", grpcStatus is null ? http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "grpc-status " + grpcStatus);
                if (grpcStatus is not null)
                {
                    log.Set("GrpcStatus", grpcStatus);
                }
            };
        });
        return app;
    }

    // Trailers-only responses carry grpc-status as a header; the others as a trailer.
    private static string? GrpcStatusOf(HttpContext http)
    {
        var header = http.Response.Headers["grpc-status"];
        if (header.Count > 0)
        {
            return header.ToString();
        }

        var trailers = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers;
        return trailers is not null && trailers.TryGetValue("grpc-status", out var value) ? value.ToString() : null;
    }
}
