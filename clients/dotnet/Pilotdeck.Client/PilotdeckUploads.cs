using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Sessions.V1;

namespace Pilotdeck.Client;

/// <summary>
/// The client-streaming uploads — a CSV import, a dbt project for Guardian, a session attachment —
/// as one awaitable call each: the metadata message, then the content read from a
/// <see cref="Stream"/> in chunks of <see cref="ChunkBytes"/>, so a file of hundreds of megabytes
/// never sits in memory whole. A refusal (too large, unknown cohort, wrong type) surfaces as the
/// server's <see cref="RpcException"/>, with its reason, even when it comes part-way through.
/// </summary>
public static class PilotdeckUploads
{
    /// <summary>The contracts' recommended message size; every gRPC message is capped at 4 MiB.</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Uploads a CSV for the importer <see cref="UploadImportMetadata.Kind"/>; the answer is the import as planned (a dry run), or planning when a job plans it.</summary>
    public static async Task<Import> UploadImportAsync(this ImportsService.ImportsServiceClient client, UploadImportMetadata metadata, Stream content,
        Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var call = client.UploadImport(headers, deadline, cancellationToken);
        var response = await SendAsync(call, async (requests, token) =>
        {
            await requests.WriteAsync(new UploadImportRequest { Metadata = metadata }, token);
            await WriteChunksAsync(requests, content, chunk => new UploadImportRequest { Chunk = chunk }, token);
        }, cancellationToken);
        return response.Import;
    }

    /// <summary>Sends dbt's manifest.json (and catalog.json, for column checks) to Guardian and returns the stored analysis.</summary>
    public static async Task<AnalyzeProjectResponse> AnalyzeProjectAsync(this GuardianService.GuardianServiceClient client, AnalyzeProjectMetadata metadata,
        Stream manifest, Stream? catalog = null, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var call = client.AnalyzeProject(headers, deadline, cancellationToken);
        return await SendAsync(call, async (requests, token) =>
        {
            await requests.WriteAsync(new AnalyzeProjectRequest { Metadata = metadata }, token);
            await WriteChunksAsync(requests, manifest, chunk => new AnalyzeProjectRequest { ManifestChunk = chunk }, token);
            if (catalog is not null)
            {
                await WriteChunksAsync(requests, catalog, chunk => new AnalyzeProjectRequest { CatalogChunk = chunk }, token);
            }
        }, cancellationToken);
    }

    /// <summary>Stores a file with a participant (and a session); the server checks the content type against the first bytes.</summary>
    public static async Task<Attachment> UploadAttachmentAsync(this SessionsService.SessionsServiceClient client, UploadAttachmentMetadata metadata, Stream content,
        Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var call = client.UploadAttachment(headers, deadline, cancellationToken);
        var response = await SendAsync(call, async (requests, token) =>
        {
            await requests.WriteAsync(new UploadAttachmentRequest { Metadata = metadata }, token);
            await WriteChunksAsync(requests, content, chunk => new UploadAttachmentRequest { Chunk = chunk }, token);
        }, cancellationToken);
        return response.Attachment;
    }

    /// <summary>
    /// Runs <paramref name="write"/> on the call's request stream, completes it and returns the
    /// answer. The server may answer before reading everything (an upload over its limit, a refused
    /// role); a write blocked on flow control is then not always released by the transport, and a
    /// write that fails says only CANCELLED — so the answer stops the writing, and the answer's
    /// status is what the caller sees.
    /// </summary>
    public static async Task<TResponse> SendAsync<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call,
        Func<IClientStreamWriter<TRequest>, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(write);
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteAndCompleteAsync(call.RequestStream, write, stopWriting.Token);
        if (await Task.WhenAny(writing, call.ResponseAsync) != writing)
        {
            await stopWriting.CancelAsync();
        }

        try
        {
            await writing;
        }
        catch (Exception ex) when ((ex is RpcException or IOException or InvalidOperationException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // Why the writes failed is the call's status, awaited below.
        }

        return await call.ResponseAsync;
    }

    /// <summary>Writes <paramref name="content"/> to the end as messages made by <paramref name="message"/>, each <see cref="ChunkBytes"/> but the last.</summary>
    public static async Task WriteChunksAsync<TRequest>(IClientStreamWriter<TRequest> requests, Stream content, Func<ByteString, TRequest> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(message);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (true)
            {
                // Whole chunks: a stream may return a few KiB per read, and tiny messages cost framing.
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                // Copied: the buffer is reused for the next chunk while this message may still be queued.
                await requests.WriteAsync(message(ByteString.CopyFrom(buffer, 0, read)), cancellationToken);
                if (read < ChunkBytes)
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

    private static async Task WriteAndCompleteAsync<TRequest>(IClientStreamWriter<TRequest> requests,
        Func<IClientStreamWriter<TRequest>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await write(requests, cancellationToken);
        await requests.CompleteAsync();
    }
}
