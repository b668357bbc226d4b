using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Imports;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// An uploaded file on its way in: spooled to a temporary file (never whole in memory), hashed,
/// checked to be text as it arrives (no NUL bytes, valid UTF-8: otherwise IMPORT_NOT_CSV with the
/// byte offset) and held to the size limit (UPLOAD_TOO_LARGE as soon as it is passed). Then copied
/// into the database in chunks (<see cref="ImportChunkRecord"/>). The temp file deletes itself.
/// </summary>
public sealed class SourceSpool : IAsyncDisposable
{
    /// <summary>Size of a stored chunk.</summary>
    public const int ChunkSize = 1024 * 1024;

    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Decoder _utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
    private readonly long _maxBytes;
    private char[] _chars = new char[4096];

    public SourceSpool(long maxBytes, string? directory)
    {
        _maxBytes = maxBytes;
        var folder = string.IsNullOrEmpty(directory) ? Path.GetTempPath() : Directory.CreateDirectory(directory).FullName;
        _file = new FileStream(Path.Combine(folder, $"pilotdeck-import-{Guid.NewGuid():N}.csv"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    public long Length { get; private set; }

    public string Sha256 { get; private set; } = "";

    public async Task AppendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (Length + bytes.Length > _maxBytes)
        {
            throw ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.UploadTooLarge,
                $"The import file exceeds this server's limit of {_maxBytes} bytes (Pilotdeck:Imports:MaxUploadBytes).",
                new Dictionary<string, string> { ["max_upload_bytes"] = _maxBytes.ToString(CultureInfo.InvariantCulture) });
        }

        CheckText(bytes.Span, flush: false);
        _hash.AppendData(bytes.Span);
        await _file.WriteAsync(bytes, cancellationToken);
        Length += bytes.Length;
    }

    /// <summary>Ends the upload: the file must be non-empty text.</summary>
    public void Complete()
    {
        CheckText([], flush: true);
        if (Length == 0)
        {
            throw NotCsv("The file is empty.", 0);
        }

        Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    /// <summary>Copies the spooled file into the database as the import's chunks (the caller saves).</summary>
    public async Task StoreAsync(PilotdeckDbContext db, string importId, CancellationToken cancellationToken)
    {
        _file.Seek(0, SeekOrigin.Begin);
        var sequence = 0;
        while (true)
        {
            var buffer = new byte[(int)Math.Min(ChunkSize, _file.Length - _file.Position)];
            if (buffer.Length == 0)
            {
                break;
            }

            await _file.ReadExactlyAsync(buffer, cancellationToken);
            db.ImportChunks.Add(new ImportChunkRecord { ImportId = importId, Sequence = sequence++, Data = buffer });
            // Saved chunk by chunk, and let go, so a 256 MiB file never sits in the change tracker.
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    private void CheckText(ReadOnlySpan<byte> bytes, bool flush)
    {
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            throw NotCsv("The file holds NUL bytes: it is binary, not CSV text.", Length + nul);
        }

        try
        {
            var needed = _utf8.GetCharCount(bytes, flush);
            if (needed > _chars.Length)
            {
                _chars = new char[needed];
            }

            _utf8.GetChars(bytes, _chars, flush);
        }
        catch (DecoderFallbackException ex)
        {
            throw NotCsv("The file is not UTF-8 text; save it as CSV UTF-8.", Length + Math.Max(0, ex.Index));
        }
    }

    private static RpcException NotCsv(string message, long offset) =>
        ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.ImportNotCsv, message,
            new Dictionary<string, string> { ["byte_offset"] = offset.ToString(CultureInfo.InvariantCulture) },
            [new FieldViolation("source", message)]);

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        _hash.Dispose();
    }
}
