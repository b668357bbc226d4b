using Google.Protobuf;
using Pilotdeck.Bench.Rpc.V1;
using Pilotdeck.Rpc;

namespace Pilotdeck.Bench.Rpc;

/// <summary>
/// The service under test. Handlers do as little as possible so the benchmark measures the
/// runtime, not the handler; the counters prove every h2load request reached the handler
/// (a mis-routed call would still be HTTP 200, with grpc-status UNIMPLEMENTED in its trailers).
/// </summary>
public sealed class BenchServiceImpl : BenchService.BenchServiceBase
{
    public static long EchoCalls;
    public static long StreamCalls;

    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref EchoCalls);
        return Task.FromResult(Payloads.EchoResponseFor(request));
    }

    public override async Task StreamItems(StreamItemsRequest request, IServerStreamWriter<StreamItemsResponse> responseStream, ServerCallContext context)
    {
        Interlocked.Increment(ref StreamCalls);
        var payload = ByteString.CopyFrom(new byte[request.PayloadSize]);
        for (var i = 0; i < request.Count; i++)
        {
            // A fresh message per write, as a real handler would produce.
            await responseStream.WriteAsync(new StreamItemsResponse { Sequence = i, Payload = payload }, context.CancellationToken);
        }
    }
}

/// <summary>The request and response messages both endpoints use, and their wire bytes.</summary>
public static class Payloads
{
    public static readonly EchoRequest EchoRequest = new() { Name = "pilotdeck-bench", Id = 42 };

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

    /// <summary>The framed request h2load posts and the clients send.</summary>
    public static readonly byte[] EchoRequestFrame = Frame(EchoRequest);

    /// <summary>What the runtime answers to <see cref="EchoRequestFrame"/>; the bare endpoint writes exactly this.</summary>
    public static readonly byte[] EchoResponseFrame = Frame(EchoResponseFor(EchoRequest));
}
