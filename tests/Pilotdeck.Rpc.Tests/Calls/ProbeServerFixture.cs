using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pilotdeck.Interop.Server;
using Pilotdeck.Rpc.Server;
using Pilotdeck.Rpc.Tests.Probe;

namespace Pilotdeck.Rpc.Tests.Calls;

/// <summary>
/// A real Kestrel host on loopback: h2c for gRPC, plus an HTTP/1.1-only port to prove the 426 path.
/// The probe service has a 1 MiB receive limit; the interop TestService keeps the 4 MiB default.
/// </summary>
public sealed class ProbeServerFixture : IAsyncLifetime
{
    public const int ProbeMaxReceive = 1024 * 1024;

    private WebApplication? _app;

    public ProbeObservations Observations { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public Uri Http2Address { get; private set; } = null!;

    public Uri Http1Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Information);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddSingleton(Observations);
        builder.Services.AddSingleton<OrderRecordingInterceptor>();
        builder.Services
            .AddGrpc(o => o.Interceptors.Add(typeof(OrderRecordingInterceptor)))
            .AddServiceOptions<ProbeServiceImpl>(o => o.MaxReceiveMessageSize = ProbeMaxReceive);
        _app = builder.Build();
        _app.MapGrpcService<ProbeServiceImpl>();
        _app.MapGrpcService<TestServiceImpl>();
        await _app.StartAsync();

        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        Http2Address = addresses[0];
        Http1Address = addresses[1];
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Http2Address, options);

    public ProbeService.ProbeServiceClient CreateClient(GrpcChannelOptions? options = null) => new(CreateChannel(options));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Marks each call it sees in a trailer, proving server interceptors wrap every handler.</summary>
public sealed class OrderRecordingInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        context.ResponseTrailers.Add("intercepted-by", "server");
        return await continuation(request, context);
    }
}

public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue(formatter(state, exception));
    }
}
