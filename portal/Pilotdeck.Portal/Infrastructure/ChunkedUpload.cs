using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// Streams uploaded files to a client-streaming RPC in chunks of at most 1 MiB read straight from
/// the form file, so a file of hundreds of megabytes never sits in the portal's memory as a whole.
/// Used by every upload page (Guardian artifacts, imports).
/// </summary>
public static class ChunkedUpload
{
    /// <summary>The contracts' recommended chunk size; every gRPC message is capped at 4 MiB.</summary>
    public const int ChunkSize = 1024 * 1024;

    /// <summary>
    /// Runs <paramref name="send"/> on the call and returns its answer. The server may answer before
    /// reading everything (an upload over its limit, a refused role): a write blocked on flow control
    /// is then not always released by the transport, so the answer stops the sending.
    /// </summary>
    public static async Task<TResponse> RunAsync<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call,
        Func<IClientStreamWriter<TRequest>, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = send(call.RequestStream, stopSending.Token);
        if (await Task.WhenAny(sending, call.ResponseAsync) != sending)
        {
            await stopSending.CancelAsync();
        }

        try
        {
            await sending;
        }
        catch (Exception ex) when ((ex is RpcException or IOException or InvalidOperationException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // The reason the writes failed is the call's status, awaited below.
        }

        return await call.ResponseAsync;
    }

    /// <summary>Writes <paramref name="file"/> as chunk messages made by <paramref name="message"/>.</summary>
    public static async Task SendFileAsync<TRequest>(IClientStreamWriter<TRequest> requests, IFormFile file, Func<ByteString, TRequest> message, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using var stream = file.OpenReadStream();
            while (true)
            {
                // Fill whole chunks: a stream may return a few KiB per read, and tiny messages cost framing.
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                // Copied, because the buffer is reused for the next chunk while this one may still be queued.
                await requests.WriteAsync(message(ByteString.CopyFrom(buffer, 0, read)), cancellationToken);
                if (read < ChunkSize)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
