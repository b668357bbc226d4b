using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pilotdeck.Interop.Server;
using Pilotdeck.Rpc.Server;

// The interop server: h2c on 127.0.0.1:--port (0 picks a free port). Prints "listening 127.0.0.1:N" once ready.
var port = args.Select(a => a.StartsWith("--port=", StringComparison.Ordinal) ? int.Parse(a["--port=".Length..], System.Globalization.CultureInfo.InvariantCulture) : (int?)null)
    .FirstOrDefault(p => p is not null) ?? 0;

var app = InteropServer.Build(port);
await app.StartAsync();
Console.WriteLine($"listening 127.0.0.1:{InteropServer.BoundPort(app)}");
await app.WaitForShutdownAsync();

namespace Pilotdeck.Interop.Server
{
    using Microsoft.AspNetCore.Hosting.Server;
    using Microsoft.AspNetCore.Hosting.Server.Features;

    /// <summary>Builds the interop host; tests use it in-process, the executable runs it standalone.</summary>
    public static class InteropServer
    {
        public static WebApplication Build(int port, Action<GrpcServiceOptions>? configure = null, Action<WebApplication>? mapExtra = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc(configure);
            var app = builder.Build();
            app.MapGrpcService<TestServiceImpl>();
            mapExtra?.Invoke(app);
            return app;
        }

        public static int BoundPort(WebApplication app) =>
            new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }
}
