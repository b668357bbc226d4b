using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pilotdeck.Transparency.Bundles;

/// <summary>One file of a data-subject export as its manifest lists it.</summary>
public sealed record SubjectExportFile(string Name, long SizeBytes, string Sha256);

/// <summary>
/// <c>manifest.json</c> of a data-subject export (docs/data-subject-export.md): the last entry of the
/// zip, listing every other entry in zip order with its size and SHA-256, and the export's own
/// digest over that list. Its SHA-256 is the content hash of the export's receipt. Written by the
/// server, checked by the SDK and the CLI after a download with <see cref="Verify"/>.
/// </summary>
public sealed class SubjectExportManifest
{
    public const string Version = "pilotdeck-subject-export/v1";
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public string Format { get; set; } = Version;

    /// <summary>The export's resource name, <c>subject-exports/&lt;id&gt;</c>.</summary>
    public string Export { get; set; } = "";

    public string ParticipantId { get; set; } = "";

    public DateTimeOffset ExportedAt { get; set; }

    /// <summary>Who asked for it: <c>user:&lt;id&gt;</c> or <c>client:&lt;id&gt;</c>.</summary>
    public string ExportedBy { get; set; } = "";

    /// <summary>Every other entry of the zip, in zip order.</summary>
    public List<SubjectExportFile> Files { get; set; } = [];

    /// <summary>The export's digest: <see cref="DigestOf"/> of <see cref="Files"/>.</summary>
    public string ExportSha256 { get; set; } = "";

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <exception cref="JsonException">Not a manifest.</exception>
    public static SubjectExportManifest Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<SubjectExportManifest>(json, Json) ?? throw new JsonException("the manifest is empty");

    /// <summary>
    /// SHA-256 (lowercase hex) of the files' <c>sha256sum</c> lines, "&lt;hash&gt;  &lt;name&gt;\n" in
    /// order: it names the content whatever the zip's compression, and one digest covers every file.
    /// </summary>
    public static string DigestOf(IEnumerable<SubjectExportFile> files)
    {
        var lines = new StringBuilder();
        foreach (var file in files)
        {
            lines.Append(file.Sha256).Append("  ").Append(file.Name).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }

    /// <summary>
    /// Checks an export read from <paramref name="zip"/>: manifest.json is the last entry and parses,
    /// the zip holds exactly the files it lists in that order, each with the listed size and SHA-256,
    /// and the export digest is theirs. Every problem is named; none means the export is whole.
    /// </summary>
    public static SubjectExportCheck Verify(Stream zip)
    {
        var problems = new List<string>();
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var entries = archive.Entries.ToList();
        if (entries.Count == 0 || entries[^1].FullName != FileName)
        {
            return new SubjectExportCheck(null, ["manifest.json is not the zip's last entry"]);
        }

        SubjectExportManifest manifest;
        using (var stream = entries[^1].Open())
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            try
            {
                manifest = Parse(buffer.ToArray());
            }
            catch (JsonException ex)
            {
                return new SubjectExportCheck(null, ["manifest.json does not parse: " + ex.Message]);
            }
        }

        var names = entries.Take(entries.Count - 1).Select(e => e.FullName).ToList();
        if (!names.SequenceEqual(manifest.Files.Select(f => f.Name)))
        {
            problems.Add("the zip's entries are not the files the manifest lists, in its order");
        }

        foreach (var file in manifest.Files)
        {
            var entry = archive.GetEntry(file.Name);
            if (entry is null)
            {
                continue;
            }

            using var content = entry.Open();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var chunk = new byte[81920];
            long size = 0;
            int read;
            while ((read = content.Read(chunk)) > 0)
            {
                hash.AppendData(chunk, 0, read);
                size += read;
            }

            if (size != file.SizeBytes || Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
            {
                problems.Add($"{file.Name}: its content does not match the manifest's size and SHA-256");
            }
        }

        if (DigestOf(manifest.Files) != manifest.ExportSha256)
        {
            problems.Add("export_sha256 is not the digest of the listed files");
        }

        return new SubjectExportCheck(manifest, problems);
    }
}

/// <summary>What <see cref="SubjectExportManifest.Verify"/> found: the manifest (null when unreadable) and every problem.</summary>
public sealed record SubjectExportCheck(SubjectExportManifest? Manifest, IReadOnlyList<string> Problems)
{
    public bool Whole => Manifest is not null && Problems.Count == 0;
}
