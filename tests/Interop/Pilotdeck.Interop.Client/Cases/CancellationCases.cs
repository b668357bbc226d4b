using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

public static partial class InteropCases
{
    private static async Task CancelAfterBegin(CaseContext c)
    {
        var (options, cancel) = c.Cancellable();
        using (cancel)
        {
            using var call = c.Client.StreamingInputCall(options);
            cancel.Cancel();
            await Expect.Status(StatusCode.Cancelled, "StreamingInputCall", () => call.ResponseAsync);
        }
    }

    private static async Task CancelAfterFirstResponse(CaseContext c)
    {
        var (options, cancel) = c.Cancellable();
        using (cancel)
        {
            using var call = c.Client.FullDuplexCall(options);
            await call.RequestStream.WriteAsync(StreamRequest(31415, 27182));
            var first = await Expect.Ok(call.ResponseStream.MoveNext(), "FullDuplexCall, reading the first response");
            Expect.That(first, "the stream ended before the first response");
            Expect.Zeros(call.ResponseStream.Current.Payload, 31415, "first response");
            cancel.Cancel();
            await Expect.Status(StatusCode.Cancelled, "FullDuplexCall after cancel", () => call.ResponseStream.MoveNext());
        }
    }

    private static async Task TimeoutOnSleepingServer(CaseContext c)
    {
        using var call = c.Client.FullDuplexCall(c.Plain(deadline: DateTime.UtcNow.AddMilliseconds(1)));
        // The deadline may end the call before or during the write, so the write is one of the
        // steps that may throw; the status is what the case asserts.
        await Expect.Status(StatusCode.DeadlineExceeded, "FullDuplexCall", async () =>
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) });
            await call.ResponseStream.MoveNext();
        });
    }
}
