using Pilotdeck.Server.Platform.Grpc.Connect;
using Serilog;
using Serilog.Configuration;
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
            // Formatting and writing happen on one background thread, a batch at a time, not in the
            // request (BackgroundLogWriter). The console shows the message (a request's method, path,
            // outcome and time); every property (tenant, actor, trace id, ...) goes to the file as
            // compact JSON (CLEF), written in blocks and flushed to disk every second rather than per
            // line. Events carry Activity's trace and span ids (@tr, @sp), which correlate a request's
            // lines here and across services; ASP.NET Core's log scopes (RequestId, ConnectionId) are
            // not copied onto every event.
            .WriteTo.InBatches(directory),
            // Each host keeps its logger to itself: the static Log.Logger is not replaced, so hosts
            // side by side in one process (tests, benches) never write into each other's logs.
            preserveStaticLogger: true);

        return builder;
    }

    private static LoggerConfiguration InBatches(this LoggerSinkConfiguration writeTo, string directory)
    {
        // Where a program reads stdout (a pipe, a file, a container's log) the lines need no
        // colours: they are rendered with Serilog's plain formatter and written once per batch. A
        // terminal gets Serilog's coloured console sink, one line at a time.
        var redirected = Console.IsOutputRedirected;
        var console = redirected ? new ConsoleLines(new MessageTemplateTextFormatter(ConsoleTemplate)) : null;
        var oneAtATime = LoggerSinkConfiguration.CreateSink(sinks =>
        {
            if (!redirected)
            {
                sinks.Console(outputTemplate: ConsoleTemplate);
            }

            sinks.File(new CompactJsonFormatter(), Path.Combine(directory, "pilotdeck-.json"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14,
                buffered: true, flushToDiskInterval: TimeSpan.FromSeconds(1));
        });
        return writeTo.Sink(new BackgroundLogWriter(oneAtATime, console));
    }

    /// <summary>
    /// The per-request line. A gRPC call's outcome is its grpc-status, not the HTTP status (a failed
    /// call is still HTTP 200), so that is what the line reports, as <c>GrpcStatus</c>.
    /// </summary>
    public static WebApplication UsePilotdeckRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger; left unset, the middleware would write to the static Log.Logger.
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // No format specifiers in the template: the JSON file would then carry a rendering of
            // each formatted value (@r) beside the property, built per event. Elapsed is rounded to
            // the microsecond instead, which also keeps the console line short.
            options.MessageTemplate = "{RequestMethod} {RequestPath} -> {Outcome} in {Elapsed} ms";
            options.GetMessageTemplateProperties = RequestProperties;
        });
        return app;
    }

    // The line's own properties, set in one place rather than through the diagnostic context (whose
    // collector the access interceptor fills with tenant and actor).
    private static IEnumerable<LogEventProperty> RequestProperties(HttpContext http, string path, double elapsedMs, int statusCode)
    {
        var grpcStatus = GrpcStatusOf(http);
        var outcome = grpcStatus is null ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "grpc-status " + grpcStatus;
        var properties = new List<LogEventProperty>(6)
        {
            new("RequestMethod", new ScalarValue(http.Request.Method)),
            new("RequestPath", new ScalarValue(path)),
            new("StatusCode", new ScalarValue(statusCode)),
            new("Elapsed", new ScalarValue(Math.Round(elapsedMs, 3))),
            new("Outcome", new ScalarValue(outcome)),
        };
        if (grpcStatus is not null)
        {
            properties.Add(new("GrpcStatus", new ScalarValue(grpcStatus)));
        }

        return properties;
    }

    // Trailers-only responses carry grpc-status as a header; the others as a trailer; a Connect
    // call's is kept aside, since Connect sends it in the body.
    private static string? GrpcStatusOf(HttpContext http)
    {
        if (http.Items.TryGetValue(ConnectResponse.StatusItem, out var connect))
        {
            return (string?)connect;
        }

        var header = http.Response.Headers["grpc-status"];
        if (header.Count > 0)
        {
            return header.ToString();
        }

        var trailers = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()?.Trailers;
        return trailers is not null && trailers.TryGetValue("grpc-status", out var value) ? value.ToString() : null;
    }
}
