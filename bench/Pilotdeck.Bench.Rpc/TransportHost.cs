using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pilotdeck.Bench.Rpc.V1;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// Part 1, the transport: one Kestrel h2c listener on 127.0.0.1 serving grpc-dotnet with no
/// interceptors, no logging and nothing else (<see cref="EchoPath"/>), and a bare endpoint
/// (<see cref="BarePath"/>) that answers the same request with the same bytes by hand. Same
/// process, port, Kestrel options and routing, so the only difference is grpc-dotnet.
/// </summary>
internal static class TransportHost
{
    public const string EchoPath = "/pilotdeck.bench.v1.BenchService/Echo";
    public const string BarePath = "/bare";

    public static long BareCalls;

    public static async Task<(WebApplication App, Uri Address)> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<BenchServiceImpl>();
        app.MapPost(BarePath, BareUnaryAsync);
        await app.StartAsync();
        return (app, AddressOf(app));
    }

    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// The ceiling: drain the request body, then write what grpc-dotnet writes for the bench request
    /// (status 200, its content-type, one framed message, the grpc-status trailer) and nothing
    /// else: no parsing, no serialisation, no call context. Checks.cs compares the two byte for byte.
    /// </summary>
    private static async Task BareUnaryAsync(HttpContext http)
    {
        var reader = http.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        Interlocked.Increment(ref BareCalls);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/grpc";
        Write(http.Response.BodyWriter, Payloads.EchoResponseFrame);
        http.Response.AppendTrailer("grpc-status", "0");
        await http.Response.CompleteAsync();
    }

    private static void Write(PipeWriter writer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }
}

/// <summary>The service under test: does as little as possible; the counter proves each request reached it.</summary>
internal sealed class BenchServiceImpl : BenchService.BenchServiceBase
{
    public static long EchoCalls;

    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref EchoCalls);
        return Task.FromResult(Payloads.EchoResponseFor(request));
    }
}

/// <summary>The messages both transport endpoints use, and their wire bytes.</summary>
internal static class Payloads
{
    public static readonly EchoRequest EchoRequest = new() { Name = "pilotdeck-bench", Id = 42 };

    /// <summary>The framed request h2load posts to both transport endpoints.</summary>
    public static readonly byte[] EchoRequestFrame = Frame(EchoRequest);

    /// <summary>What grpc-dotnet answers to <see cref="EchoRequestFrame"/>; the bare endpoint writes exactly this.</summary>
    public static readonly byte[] EchoResponseFrame = Frame(EchoResponseFor(EchoRequest));

    /// <summary>An empty message (GetServerInfoRequest has no fields): what h2load posts to the real host.</summary>
    public static readonly byte[] EmptyMessageFrame = [0, 0, 0, 0, 0];

    public static EchoResponse EchoResponseFor(EchoRequest request) => new() { Message = "hello " + request.Name, Id = request.Id };

    /// <summary>One length-prefixed, uncompressed gRPC message.</summary>
    public static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }
}
