using System.Buffers;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Pilotdeck.Contracts.Guardian.V1;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>
/// Sends uploaded artifacts to <c>AnalyzeProject</c> as the contract asks: metadata first, then
/// chunks of at most 1 MiB read straight from the uploaded file's stream, so a manifest of
/// hundreds of megabytes never sits in the portal's memory as a whole.
/// </summary>
internal static class ArtifactStreamer
{
    /// <summary>The contract's recommended chunk size; every gRPC message is capped at 4 MiB.</summary>
    public const int ChunkSize = 1024 * 1024;

    /// <summary>
    /// The server's default <c>Pilotdeck:Guardian:MaxUploadBytes</c> (512 MiB). The form limits are
    /// attributes and so need a constant; a server configured lower still answers UPLOAD_TOO_LARGE,
    /// which the page shows.
    /// </summary>
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    /// <summary>The two files plus the form's text fields and multipart boundaries.</summary>
    public const long MaxFormBytes = MaxUploadBytes + 1024 * 1024;

    /// <summary>
    /// The portal's usual deadline is for page-sized calls; uploading and analysing hundreds of
    /// megabytes takes minutes, and the browser's own request is still waiting for it.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    public static async Task<AnalyzeProjectResponse> UploadAsync(
        GuardianService.GuardianServiceClient client, AnalyzeProjectMetadata metadata, IFormFile? manifest, IFormFile? catalog, CancellationToken cancellationToken)
    {
        using var call = client.AnalyzeProject(deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = SendAllAsync(call.RequestStream, metadata, manifest, catalog, stopSending.Token);

        // The server may answer before reading everything (UPLOAD_TOO_LARGE, a refused role): a write
        // blocked on flow control is then not always released by the transport, so the answer stops it.
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

    private static async Task SendAllAsync(
        IClientStreamWriter<AnalyzeProjectRequest> requests, AnalyzeProjectMetadata metadata, IFormFile? manifest, IFormFile? catalog, CancellationToken cancellationToken)
    {
        await requests.WriteAsync(new AnalyzeProjectRequest { Metadata = metadata }, cancellationToken);
        if (manifest is not null)
        {
            await SendAsync(requests, manifest, chunk => new AnalyzeProjectRequest { ManifestChunk = chunk }, cancellationToken);
        }

        if (catalog is not null)
        {
            await SendAsync(requests, catalog, chunk => new AnalyzeProjectRequest { CatalogChunk = chunk }, cancellationToken);
        }

        await requests.CompleteAsync();
    }

    private static async Task SendAsync(IClientStreamWriter<AnalyzeProjectRequest> requests, IFormFile file, Func<ByteString, AnalyzeProjectRequest> message, CancellationToken cancellationToken)
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
