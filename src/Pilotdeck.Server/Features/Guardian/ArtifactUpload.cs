using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Guardian.V1;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>
/// The chunks of one AnalyzeProject call, spooled to temporary files so a manifest of hundreds of
/// megabytes never sits in memory as one array. The files delete themselves when disposed, on
/// success and on every error; only a killed process leaves them to the temp directory's cleanup.
/// </summary>
internal sealed class ArtifactUpload : IAsyncDisposable
{
    private const int FileBufferSize = 64 * 1024;

    private readonly string _directory;
    private readonly IncrementalHash _manifestHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _catalogHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private ArtifactUpload(string directory) => _directory = directory;

    /// <summary>The manifest, positioned at its start once received; null when no chunk arrived.</summary>
    public FileStream? Manifest { get; private set; }

    /// <summary>The catalog, positioned at its start once received; null when none was sent.</summary>
    public FileStream? Catalog { get; private set; }

    /// <summary>Chunk bytes received, both files together.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Reads the chunks after the metadata message until the client half-closes.</summary>
    public static async Task<ArtifactUpload> ReceiveAsync(UploadMessages<AnalyzeProjectRequest> requests, GuardianServerOptions options, CancellationToken cancellationToken)
    {
        var directory = string.IsNullOrEmpty(options.TempDirectory) ? Path.GetTempPath() : Directory.CreateDirectory(options.TempDirectory).FullName;
        var upload = new ArtifactUpload(directory);
        try
        {
            while (await requests.MoveNextAsync())
            {
                var message = requests.Current;
                switch (message.PayloadCase)
                {
                    case AnalyzeProjectRequest.PayloadOneofCase.ManifestChunk:
                        upload.Manifest ??= upload.CreateFile("manifest");
                        await upload.AppendAsync(upload.Manifest, upload._manifestHash, message.ManifestChunk, options.MaxUploadBytes, cancellationToken);
                        break;
                    case AnalyzeProjectRequest.PayloadOneofCase.CatalogChunk:
                        upload.Catalog ??= upload.CreateFile("catalog");
                        await upload.AppendAsync(upload.Catalog, upload._catalogHash, message.CatalogChunk, options.MaxUploadBytes, cancellationToken);
                        break;
                    case AnalyzeProjectRequest.PayloadOneofCase.Metadata:
                        throw ApiErrors.InvalidArgument(new FieldViolation("metadata", "may only be sent in the first message"));
                    default:
                        throw ApiErrors.InvalidArgument(new FieldViolation("payload", "each message after the first must carry manifest_chunk or catalog_chunk"));
                }
            }

            upload.Manifest?.Seek(0, SeekOrigin.Begin);
            upload.Catalog?.Seek(0, SeekOrigin.Begin);
            return upload;
        }
        catch
        {
            await upload.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Identifies the request for idempotency: the metadata plus each file's content hash, so the
    /// same bytes chunked differently on a retry still count as the same request.
    /// </summary>
    public byte[] RequestHash(AnalyzeProjectMetadata metadata)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(metadata.ToByteArray());
        hash.AppendData(Manifest is null ? [] : _manifestHash.GetCurrentHash());
        // A marker keeps "no catalog" distinct from "an empty catalog".
        hash.AppendData(Catalog is null ? [0] : [1, .. _catalogHash.GetCurrentHash()]);
        return hash.GetHashAndReset();
    }

    private FileStream CreateFile(string kind) =>
        new(Path.Combine(_directory, $"pilotdeck-guardian-{kind}-{Guid.NewGuid():N}.json"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileBufferSize,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private async Task AppendAsync(FileStream file, IncrementalHash hash, ByteString chunk, long maxBytes, CancellationToken cancellationToken)
    {
        TotalBytes += chunk.Length;
        if (TotalBytes > maxBytes)
        {
            // Stop at once rather than drain the rest: the client learns the limit before sending it all.
            throw ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.UploadTooLarge,
                $"The upload exceeds this server's limit of {maxBytes} bytes (manifest and catalog together).",
                new Dictionary<string, string> { ["max_upload_bytes"] = maxBytes.ToString(CultureInfo.InvariantCulture) });
        }

        hash.AppendData(chunk.Span);
        await file.WriteAsync(chunk.Memory, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Manifest is not null)
        {
            await Manifest.DisposeAsync();
        }

        if (Catalog is not null)
        {
            await Catalog.DisposeAsync();
        }

        _manifestHash.Dispose();
        _catalogHash.Dispose();
    }
}
