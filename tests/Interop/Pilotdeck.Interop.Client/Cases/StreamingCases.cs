using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

public static partial class InteropCases
{
    private static async Task ClientStreaming(CaseContext c)
    {
        using var call = c.Client.StreamingInputCall(c.Plain());
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await call.RequestStream.WriteAsync(InputRequest(size));
        }

        await call.RequestStream.CompleteAsync();
        var response = await Expect.Ok(call.ResponseAsync, "StreamingInputCall");
        Expect.Equal(74922, response.AggregatedPayloadSize, "aggregated_payload_size");
    }

    private static async Task ServerStreaming(CaseContext c)
    {
        int[] sizes = [31415, 9, 2653, 58979];
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(sizes.Select(size => new ResponseParameters { Size = size }));
        using var call = c.Client.StreamingOutputCall(request, c.Plain());
        var responses = await Expect.Ok(ReadAll(call.ResponseStream), "StreamingOutputCall");
        Expect.Equal(sizes.Length, responses.Count, "number of responses");
        for (var i = 0; i < sizes.Length; i++)
        {
            Expect.Zeros(responses[i].Payload, sizes[i], $"response {i + 1}");
        }
    }

    private static async Task PingPong(CaseContext c)
    {
        using var call = c.Client.FullDuplexCall(c.Plain());
        (int Response, int Request)[] steps = [(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)];
        for (var i = 0; i < steps.Length; i++)
        {
            await call.RequestStream.WriteAsync(StreamRequest(steps[i].Response, steps[i].Request));
            var more = await Expect.Ok(call.ResponseStream.MoveNext(), $"FullDuplexCall, reading response {i + 1}");
            Expect.That(more, $"the stream ended before response {i + 1}");
            Expect.Zeros(call.ResponseStream.Current.Payload, steps[i].Response, $"response {i + 1}");
        }

        await call.RequestStream.CompleteAsync();
        var rest = await Expect.Ok(ReadAll(call.ResponseStream), "FullDuplexCall after half-close");
        Expect.Equal(0, rest.Count, "responses after the fourth");
    }

    private static async Task EmptyStream(CaseContext c)
    {
        using var call = c.Client.FullDuplexCall(c.Plain());
        await call.RequestStream.CompleteAsync();
        var responses = await Expect.Ok(ReadAll(call.ResponseStream), "FullDuplexCall");
        Expect.Equal(0, responses.Count, "number of responses");
    }

    private static async Task<List<T>> ReadAll<T>(IAsyncStreamReader<T> stream)
    {
        var all = new List<T>();
        while (await stream.MoveNext())
        {
            all.Add(stream.Current);
        }

        return all;
    }
}
