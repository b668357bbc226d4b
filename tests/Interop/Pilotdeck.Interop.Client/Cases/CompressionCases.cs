using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

// The *_compressed_* cases are about the per-message compressed flag, not the call's
// grpc-encoding: a gzip call may still send a message with flag 0, and the server must judge
// expect_compressed by the flag. Our client can clear the flag per message (WriteFlags.NoCompress),
// so every probe of the official descriptions is sent, plus the "gzip call, flag 0" one.
public static partial class InteropCases
{
    private static async Task ClientCompressedUnary(CaseContext c)
    {
        var expectCompressed = LargeRequest();
        expectCompressed.ExpectCompressed = Bool(true);

        await Expect.Status(StatusCode.InvalidArgument, "probe (uncompressed call, expect_compressed=true)",
            () => c.Client.UnaryCallAsync(expectCompressed, c.Plain()).ResponseAsync);
        await Expect.Status(StatusCode.InvalidArgument, "probe (gzip call, uncompressed message, expect_compressed=true)",
            () => c.Client.UnaryCallAsync(expectCompressed, c.Gzip(compressMessage: false)).ResponseAsync);

        var response = await Expect.Ok(c.Client.UnaryCallAsync(expectCompressed, c.Gzip()).ResponseAsync, "compressed UnaryCall");
        Expect.Zeros(response.Payload, LargeResponseSize, "compressed UnaryCall response");

        var plain = LargeRequest();
        plain.ExpectCompressed = Bool(false);
        response = await Expect.Ok(c.Client.UnaryCallAsync(plain, c.Plain()).ResponseAsync, "uncompressed UnaryCall");
        Expect.Zeros(response.Payload, LargeResponseSize, "uncompressed UnaryCall response");
    }

    private static async Task ServerCompressedUnary(CaseContext c)
    {
        foreach (var compressed in new[] { true, false })
        {
            var what = $"UnaryCall with response_compressed={compressed}";
            var request = LargeRequest();
            request.ResponseCompressed = Bool(compressed);
            var (options, tapped) = c.Tapped();
            var response = await Expect.Ok(c.Client.UnaryCallAsync(request, options).ResponseAsync, what);
            Expect.Zeros(response.Payload, LargeResponseSize, what);
            Expect.CompressedFlags(tapped, [compressed], what);
        }
    }

    private static async Task ClientCompressedStreaming(CaseContext c)
    {
        await Expect.Status(StatusCode.InvalidArgument, "probe (gzip call, uncompressed message, expect_compressed=true)",
            () => SendAndClose(c.Client.StreamingInputCall(c.Gzip(compressMessage: false)), InputRequest(27182, expectCompressed: true)));
        await Expect.Status(StatusCode.InvalidArgument, "probe (uncompressed call, expect_compressed=true)",
            () => SendAndClose(c.Client.StreamingInputCall(c.Plain()), InputRequest(27182, expectCompressed: true)));

        using var call = c.Client.StreamingInputCall(c.Gzip());
        await call.RequestStream.WriteAsync(InputRequest(27182, expectCompressed: true));
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(InputRequest(45904, expectCompressed: false));
        await call.RequestStream.CompleteAsync();
        var response = await Expect.Ok(call.ResponseAsync, "StreamingInputCall (compressed, then uncompressed)");
        Expect.Equal(73086, response.AggregatedPayloadSize, "aggregated_payload_size");
    }

    private static async Task ServerCompressedStreaming(CaseContext c)
    {
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters =
            {
                new ResponseParameters { Size = 31415, Compressed = Bool(true) },
                new ResponseParameters { Size = 92653, Compressed = Bool(false) },
            },
        };
        var (options, tapped) = c.Tapped();
        using var call = c.Client.StreamingOutputCall(request, options);
        var responses = await Expect.Ok(ReadAll(call.ResponseStream), "StreamingOutputCall");
        Expect.Equal(2, responses.Count, "number of responses");
        Expect.Zeros(responses[0].Payload, 31415, "response 1");
        Expect.Zeros(responses[1].Payload, 92653, "response 2");
        Expect.CompressedFlags(tapped, [true, false], "StreamingOutputCall");
    }

    /// <summary>A one-message client stream; the server may fail it before the write, so any step may throw.</summary>
    private static async Task SendAndClose(AsyncClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> call, StreamingInputCallRequest request)
    {
        using (call)
        {
            await call.RequestStream.WriteAsync(request);
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        }
    }
}
