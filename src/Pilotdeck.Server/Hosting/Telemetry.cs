using System.Diagnostics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Pilotdeck.Server.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics — gRPC and JSON calls as server spans, EF Core commands, outgoing
/// HTTP — exported over OTLP to <c>Pilotdeck:Telemetry:OtlpEndpoint</c>. Off when it is not set:
/// nothing is collected and nothing leaves the host. <c>Pilotdeck:Telemetry:OtlpProtocol</c> is
/// <c>HttpProtobuf</c> (default; traces to /v1/traces, metrics to /v1/metrics under the endpoint) or <c>Grpc</c>.
/// </summary>
public static class Telemetry
{
    public const string Section = "Pilotdeck:Telemetry";

    // Every request gets an Activity, and so a W3C trace id for its receipts and log line, even with
    // tracing off: ASP.NET Core only starts one when something listens, which otherwise depends on
    // the logging configuration. Propagation only: nothing is recorded or exported by this listener.
    private static readonly ActivityListener RequestIds = StartRequestIds();

    private static ActivityListener StartRequestIds()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    public static WebApplicationBuilder AddPilotdeckTelemetry(this WebApplicationBuilder builder)
    {
        GC.KeepAlive(RequestIds);
        var endpoint = builder.Configuration[Section + ":OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }

        var baseUri = new Uri(endpoint.TrimEnd('/') + "/");
        var protocol = builder.Configuration.GetValue(Section + ":OtlpProtocol", OtlpExportProtocol.HttpProtobuf);
        // Set in code, the endpoint is used as given; over HTTP each signal has its own path.
        void Target(OtlpExporterOptions otlp, string signalPath)
        {
            otlp.Protocol = protocol;
            otlp.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(baseUri, signalPath) : baseUri;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("pilotdeck", serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddOtlpExporter(otlp => Target(otlp, "v1/traces")))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp => Target(otlp, "v1/metrics")));
        return builder;
    }
}
