using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Tests;

/// <summary>
/// Reproduces the runtime race behind timeout_on_sleeping_server failing intermittently with
/// CANCELLED instead of DEADLINE_EXCEEDED. ClientCall (src/Pilotdeck.Rpc/Client/ClientCall.cs)
/// learns that the deadline fired from a callback registered on its own token, but the
/// HTTP send, the body reads and the writes are cancelled by registrations made later on that
/// same token. Cancellation callbacks run last-registered-first, so whatever the call was
/// awaiting fails first, StatusFromException still sees _deadlineExceeded == false, and Finish
/// records "Call canceled by the client." for good. A handler that never answers guarantees the
/// call is awaiting the response when the deadline fires; whether the failed await resumes inline
/// (before the deadline flag is set) is up to the thread pool, so the test makes 20 calls, which
/// loses the race about half of the time each.
/// </summary>
public sealed class ClientDeadlineRegressionTests
{
    private static readonly Marshaller<byte[]> Bytes = new(bytes => bytes, memory => memory.ToArray());

    [Fact]
    public async Task UnaryCall_DeadlinePassesWhileAwaitingResponse_EndsWithDeadlineExceeded()
    {
        using var handler = new NeverAnswers();
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:9", new GrpcChannelOptions { HttpHandler = handler });
        var method = new Method<byte[], byte[]>(MethodType.Unary, "pilotdeck.test.Silent", "Wait", Bytes, Bytes);

        var invoker = channel.CreateCallInvoker();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var call = invoker.AsyncUnaryCall(method, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(50)), []);
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            return error.Status;
        }));

        Assert.All(statuses, status => Assert.Equal(StatusCode.DeadlineExceeded, status.StatusCode));
    }

    /// <summary>A server that accepted the request and will never respond.</summary>
    private sealed class NeverAnswers : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
