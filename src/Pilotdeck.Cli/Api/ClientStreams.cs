using Google.Protobuf;
using Grpc.Core;

namespace Pilotdeck.Cli.Api;

/// <summary>Uploads over a client-streaming call: a first message, then the content in chunk messages.</summary>
internal static class ClientStreams
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>
    /// Sends <paramref name="first"/>, then <paramref name="content"/> in 1 MiB chunks, then
    /// completes. A server that refuses the upload part-way (an unknown cohort, too large, a wrong
    /// type) ends the call with its status while this side may still be writing, and the failed
    /// write then says only CANCELLED. So a failed write is not the error reported: the caller
    /// awaits the response, which carries the server's status and reason.
    /// </summary>
    public static async Task SendAsync<TRequest>(IClientStreamWriter<TRequest> writer, TRequest first, Func<ByteString, TRequest> chunk, Stream content, CancellationToken token)
    {
        try
        {
            await writer.WriteAsync(first, token);
            var buffer = new byte[ChunkSize];
            int read;
            while ((read = await content.ReadAsync(buffer, token)) > 0)
            {
                await writer.WriteAsync(chunk(ByteString.CopyFrom(buffer, 0, read)), token);
            }

            await writer.CompleteAsync();
        }
        catch (RpcException)
        {
            // The response's status says why.
        }
    }
}
