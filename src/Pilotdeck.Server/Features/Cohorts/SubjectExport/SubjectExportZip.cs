using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Pilotdeck.Transparency.Bundles;

namespace Pilotdeck.Server.Features.Cohorts.SubjectExport;

/// <summary>
/// A finished data-subject export: the zip in a temporary file (deleted when this is disposed),
/// its manifest's bytes, and the zip's SHA-256 and length.
/// </summary>
public sealed class SubjectExportArchive(string exportName, FileStream zip, byte[] manifest) : IAsyncDisposable
{
    public string ExportName { get; } = exportName;

    public FileStream Zip { get; } = zip;

    public byte[] Manifest { get; } = manifest;

    public byte[] ZipSha256 { get; private set; } = [];

    internal async Task SealAsync(CancellationToken cancellationToken)
    {
        Zip.Position = 0;
        ZipSha256 = await SHA256.HashDataAsync(Zip, cancellationToken);
        Zip.Position = 0;
    }

    public ValueTask DisposeAsync() => Zip.DisposeAsync();
}

/// <summary>
/// Writes the entries of a data-subject export in the order they are added, each hashed as it is
/// written and listed for the manifest. Entries carry the export's time, so the same data exported
/// at the same moment gives the same bytes. Media that is already compressed is stored as is.
/// </summary>
internal sealed class SubjectExportZip(ZipArchive zip, DateTimeOffset stamp)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> Compressed = new(StringComparer.Ordinal)
    {
        "application/pdf", "image/png", "image/jpeg", "video/mp4", "video/webm", "video/quicktime",
    };

    public List<SubjectExportFile> Files { get; } = [];

    /// <summary>A temporary file for the zip, removed when it is closed.</summary>
    public static FileStream CreateTemporaryFile() => new(
        Path.Combine(Path.GetTempPath(), $"pilotdeck-subject-export-{Guid.NewGuid():N}.zip"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    public void Text(string name, string text) => Bytes(name, Encoding.UTF8.GetBytes(text));

    public void Json(string name, IMessage message) => Text(name, Node(message).ToJsonString(Indented) + "\n");

    public void JsonList(string name, IEnumerable<IMessage> messages) =>
        Text(name, new JsonArray([.. messages.Select(Node)]).ToJsonString(Indented) + "\n");

    /// <summary>Adds an entry that is not listed in the manifest (the manifest itself).</summary>
    public void Unlisted(string name, byte[] bytes) => Write(name, CompressionLevel.Optimal, stream => stream.Write(bytes));

    /// <summary>Copies <paramref name="content"/> into the entry; returns its size and SHA-256 (lowercase hex).</summary>
    public async Task<(long Size, string Sha256)> CopyAsync(string name, string contentType, Stream content, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var entry = zip.CreateEntry(name, Compressed.Contains(contentType) ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
        entry.LastWriteTime = stamp;
        await using (var target = entry.Open())
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
        }

        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        Files.Add(new SubjectExportFile(name, size, sha256));
        return (size, sha256);
    }

    private void Bytes(string name, byte[] bytes)
    {
        Write(name, CompressionLevel.Optimal, stream => stream.Write(bytes));
        Files.Add(new SubjectExportFile(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));
    }

    private void Write(string name, CompressionLevel level, Action<Stream> write)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = stamp;
        using var stream = entry.Open();
        write(stream);
    }

    private static JsonNode Node(IMessage message) => JsonNode.Parse(Formatter.Format(message))!;
}
