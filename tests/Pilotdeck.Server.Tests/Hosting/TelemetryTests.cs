using System.Collections.Concurrent;
using System.Text;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pilotdeck.Contracts.System.V1;
using Pilotdeck.Server.Hosting;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>OpenTelemetry over OTLP/HTTP to a real collector endpoint on loopback, and silence when none is configured.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task OtlpEndpoint_Configured_ExportsTheGrpcCallsServerSpanAndMetrics()
    {
        await using var collector = await Collector.StartAsync();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-otel-" + Guid.NewGuid().ToString("N"));
        await using var host = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=",
            "--Pilotdeck:PortalUrl=",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
            "--Serilog:MinimumLevel=Warning",
            $"--Pilotdeck:Telemetry:OtlpEndpoint={collector.Address}",
        ]);
        await host.StartAsync();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var channel = GrpcChannel.ForAddress(address);
        await new SystemService.SystemServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest());
        // Batches and metric readings leave every few seconds or minutes; disposing the host's
        // providers flushes what is left (disposing again at the end of the scope is a no-op).
        await host.StopAsync();
        await host.DisposeAsync();

        var traces = collector.Bodies("/v1/traces");
        Assert.Contains(traces, body => body.Contains("/pilotdeck.system.v1.SystemService/GetServerInfo", StringComparison.Ordinal));
        Assert.Contains(collector.Bodies("/v1/metrics"), body => body.Contains("http.server.request.duration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OtlpEndpoint_NotConfigured_RegistersNoTracer()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-otel-off-" + Guid.NewGuid().ToString("N"));
        await using var host = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=",
            "--Pilotdeck:PortalUrl=",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
        ]);

        Assert.Null(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    /// <summary>An OTLP/HTTP receiver: records each POST's path and body (protobuf; strings appear as UTF-8).</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, string Body)> _received = new();

        private Collector(WebApplication app) => _app = app;

        public Uri Address { get; private set; } = null!;

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new Collector(app);
            app.MapPost("/{**signal}", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                collector._received.Enqueue((http.Request.Path, Encoding.UTF8.GetString(body.ToArray())));
                return Results.Ok();
            });
            await app.StartAsync();
            collector.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return collector;
        }

        public IReadOnlyList<string> Bodies(string path) => [.. _received.Where(r => r.Path == path).Select(r => r.Body)];

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
