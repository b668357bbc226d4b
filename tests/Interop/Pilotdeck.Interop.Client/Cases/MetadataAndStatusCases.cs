using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

public static partial class InteropCases
{
    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";
    private const string EchoInitialValue = "test_initial_metadata_value";
    private static readonly byte[] EchoTrailingValue = [0xab, 0xab, 0xab];

    private const string SpecialMessage = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n";

    private static async Task CustomMetadata(CaseContext c)
    {
        using (var unary = c.Client.UnaryCallAsync(LargeRequest(), c.Plain(EchoMetadata())))
        {
            var response = await Expect.Ok(unary.ResponseAsync, "UnaryCall");
            Expect.Zeros(response.Payload, LargeResponseSize, "UnaryCall response");
            ExpectEchoed(await unary.ResponseHeadersAsync, unary.GetTrailers(), "UnaryCall");
        }

        using var duplex = c.Client.FullDuplexCall(c.Plain(EchoMetadata()));
        await duplex.RequestStream.WriteAsync(StreamRequest(LargeResponseSize, LargeRequestSize));
        await duplex.RequestStream.CompleteAsync();
        var responses = await Expect.Ok(ReadAll(duplex.ResponseStream), "FullDuplexCall");
        Expect.Equal(1, responses.Count, "FullDuplexCall: number of responses");
        Expect.Zeros(responses[0].Payload, LargeResponseSize, "FullDuplexCall response");
        ExpectEchoed(await duplex.ResponseHeadersAsync, duplex.GetTrailers(), "FullDuplexCall");
    }

    private static async Task StatusCodeAndMessage(CaseContext c)
    {
        const string message = "test status message";
        var status = new EchoStatus { Code = 2, Message = message };

        var error = await Expect.Status(StatusCode.Unknown, "UnaryCall",
            () => c.Client.UnaryCallAsync(new SimpleRequest { ResponseStatus = status }, c.Plain()).ResponseAsync);
        Expect.Equal(message, error.Status.Detail, "UnaryCall: status message");

        error = await Expect.Status(StatusCode.Unknown, "FullDuplexCall", async () =>
        {
            using var call = c.Client.FullDuplexCall(c.Plain());
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = status });
            await call.RequestStream.CompleteAsync();
            await ReadAll(call.ResponseStream);
        });
        Expect.Equal(message, error.Status.Detail, "FullDuplexCall: status message");
    }

    private static async Task SpecialStatusMessage(CaseContext c)
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = SpecialMessage } };
        var error = await Expect.Status(StatusCode.Unknown, "UnaryCall", () => c.Client.UnaryCallAsync(request, c.Plain()).ResponseAsync);
        Expect.Equal(SpecialMessage, error.Status.Detail, "status message");
    }

    private static Metadata EchoMetadata() => new Metadata
    {
        { EchoInitialKey, EchoInitialValue },
        { EchoTrailingKey, EchoTrailingValue },
    };

    private static void ExpectEchoed(Metadata headers, Metadata trailers, string what)
    {
        var initial = headers.GetAll(EchoInitialKey).Select(e => e.Value).ToList();
        Expect.That(initial is [EchoInitialValue],
            $"{what}: initial metadata {EchoInitialKey} = [{string.Join(", ", initial)}], expected [{EchoInitialValue}]");
        var trailing = trailers.GetAll(EchoTrailingKey).Select(e => e.ValueBytes).ToList();
        Expect.That(trailing.Count == 1 && trailing[0].AsSpan().SequenceEqual(EchoTrailingValue),
            $"{what}: trailing metadata {EchoTrailingKey} = [{string.Join(", ", trailing.Select(Convert.ToHexString))}], expected [ABABAB]");
    }
}
