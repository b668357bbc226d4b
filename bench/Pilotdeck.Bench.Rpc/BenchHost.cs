using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pilotdeck.Rpc.Server;
using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// One Kestrel h2c listener on 127.0.0.1 serving both sides of the comparison: our runtime's
/// routes and the bare endpoints. Same process, same port, same Kestrel and routing settings, so
/// the only difference between <c>/pilotdeck.bench.v1.BenchService/Echo</c> and <c>/bare</c> is
/// the gRPC layer. (A second port would add nothing but a second, identically configured
/// listener; the runs are sequential, so the two paths never compete for CPU.)
/// </summary>
public static class BenchHost
{
    public const string UnaryPath = "/pilotdeck.bench.v1.BenchService/Echo";
    public const string StreamPath = "/pilotdeck.bench.v1.BenchService/StreamItems";
    public const string BarePath = "/bare";
    public const string BareStreamPath = "/bare-stream";

    public static long BareCalls;

    public static WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The runtime logs each call at Information; a production host would keep that off the hot path too.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddSimpleConsole();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<BenchServiceImpl>();
        app.MapPost(BarePath, BareUnaryAsync);
        app.MapPost(BareStreamPath, BareStreamAsync);
        return app;
    }

    public static int BoundPort(WebApplication app) =>
        new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    /// <summary>
    /// The ceiling: consume the request body, answer with the bytes our runtime writes for the
    /// bench request (headers, one framed message, grpc-status trailer) and nothing else; no
    /// parsing, no serialisation, no call context. Written unflushed and completed, as the
    /// runtime does for unary calls, so headers, DATA and trailers leave together.
    /// </summary>
    private static async Task BareUnaryAsync(HttpContext http)
    {
        await DrainAsync(http.Request.BodyReader);
        Interlocked.Increment(ref BareCalls);
        SetGrpcResponseHeaders(http.Response);
        Write(http.Response.BodyWriter, Payloads.EchoResponseFrame);
        http.Response.AppendTrailer(GrpcProtocol.StatusHeader, "0");
        await http.Response.CompleteAsync();
    }

    /// <summary>
    /// The streaming ceiling: the same frames the runtime streams for a StreamItems request of
    /// count N and payload P, each flushed like the runtime's stream writer does, pre-serialised.
    /// </summary>
    private static async Task BareStreamAsync(HttpContext http)
    {
        var (count, payloadSize) = await ReadStreamRequestAsync(http.Request.BodyReader);
        SetGrpcResponseHeaders(http.Response);
        var writer = http.Response.BodyWriter;
        for (var i = 0; i < count; i++)
        {
            StreamFrames.Write(writer, i, payloadSize);
            await writer.FlushAsync(http.RequestAborted);
        }

        http.Response.AppendTrailer(GrpcProtocol.StatusHeader, "0");
        await http.Response.CompleteAsync();
    }

    private static void SetGrpcResponseHeaders(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcCompression.AcceptEncodingValue;
    }

    private static void Write(PipeWriter writer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    private static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private static async Task<(int Count, int PayloadSize)> ReadStreamRequestAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                var request = V1.StreamItemsRequest.Parser.ParseFrom(bytes.AsSpan(5));
                return (request.Count, request.PayloadSize);
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}

/// <summary>
/// StreamItemsResponse frames encoded by hand straight into the response pipe: byte-identical to
/// what protobuf writes (proto3 omits a zero sequence), but with no message objects, so the
/// ceiling carries no serialisation cost.
/// </summary>
internal static class StreamFrames
{
    public static void Write(PipeWriter writer, long sequence, int payloadSize)
    {
        var sequenceField = sequence == 0 ? 0 : 1 + VarintLength((ulong)sequence);
        var payloadField = payloadSize == 0 ? 0 : 1 + VarintLength((ulong)payloadSize) + payloadSize;
        var messageLength = sequenceField + payloadField;
        var span = writer.GetSpan(5 + messageLength);
        span[0] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)messageLength);
        var at = 5;
        if (sequenceField > 0)
        {
            span[at++] = 0x08; // field 1, varint
            at += WriteVarint(span[at..], (ulong)sequence);
        }

        if (payloadField > 0)
        {
            span[at++] = 0x12; // field 2, length-delimited
            at += WriteVarint(span[at..], (ulong)payloadSize);
            span.Slice(at, payloadSize).Clear();
            at += payloadSize;
        }

        writer.Advance(at);
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    private static int WriteVarint(Span<byte> span, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        return i;
    }
}
