using System.Buffers.Binary;
using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pilotdeck.Client.Tests;

/// <summary>
/// A real HTTP/2 server on loopback whose gRPC answers a test scripts per attempt: UNAVAILABLE a few
/// times, a hang, then a real response. It lets retry and deadline behaviour be counted exactly,
/// which the real host (always healthy) cannot show.
/// </summary>
public sealed class ScriptedGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<IHeaderDictionary> _requests = new();
    private int _attempts;

    private ScriptedGrpcServer(WebApplication app) => _app = app;

    /// <summary>How many gRPC requests arrived.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The request headers of every attempt, in arrival order.</summary>
    public IReadOnlyList<IHeaderDictionary> Requests => [.. _requests];

    public Uri Address { get; private set; } = null!;

    /// <param name="script">Answers attempt n (1-based) of any method.</param>
    public static async Task<ScriptedGrpcServer> StartAsync(Func<int, HttpContext, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var server = new ScriptedGrpcServer(app);
        app.Run(async context =>
        {
            server._requests.Enqueue(context.Request.Headers);
            var attempt = Interlocked.Increment(ref server._attempts);
            // Drain the request so the client's send completes as with a real server.
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            context.Items[BodyKey] = body.ToArray();
            await script(attempt, context);
        });
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    private const string BodyKey = "scripted-request-body";

    /// <summary>The payload of the request's (only or last) gRPC message, without its 5-byte frame header.</summary>
    public static byte[] LastMessage(HttpContext context)
    {
        var body = (byte[])context.Items[BodyKey]!;
        var offset = 0;
        var message = Array.Empty<byte>();
        while (offset + 5 <= body.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset + 1, 4));
            message = body.AsSpan(offset + 5, length).ToArray();
            offset += 5 + length;
        }

        return message;
    }

    /// <summary>A Trailers-Only UNAVAILABLE, as a server shedding load or shutting down sends it.</summary>
    public static Task Unavailable(HttpContext context)
    {
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "14";
        context.Response.Headers["grpc-message"] = "scripted outage";
        return Task.CompletedTask;
    }

    /// <summary>A successful unary response carrying <paramref name="message"/>.</summary>
    public static async Task Respond(HttpContext context, IMessage message)
    {
        context.Response.ContentType = "application/grpc";
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>Never answers; the client's deadline or cancellation must end the call.</summary>
    public static async Task Hang(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
