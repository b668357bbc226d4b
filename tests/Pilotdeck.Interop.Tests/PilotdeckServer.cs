using Microsoft.AspNetCore.Builder;
using Pilotdeck.Interop.Server;

namespace Pilotdeck.Interop.Tests;

/// <summary>Our interop server hosted in the test process: no process start-up, and its failures show in the test output.</summary>
internal sealed class PilotdeckServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PilotdeckServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PilotdeckServer> StartAsync()
    {
        var app = InteropServer.Build(0);
        await app.StartAsync();
        return new PilotdeckServer(app, InteropServer.BoundPort(app));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
