using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pilotdeck.Transparency.Bundles;

/// <summary>
/// <c>manifest.json</c> of an evidence bundle: what was exported, against which checkpoint, and the
/// SHA-256 of every other file. Its own hash is the export receipt's content hash, so the receipt
/// names exactly this bundle. The manifest is a table of contents, not a proof: a verifier checks
/// receipts, proofs and the checkpoint themselves, and the manifest only for completeness.
/// </summary>
public sealed class EvidenceManifest
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string Format { get; set; } = EvidenceBundleFormat.Version;

    /// <summary>The export's resource name, <c>evidence-bundles/&lt;id&gt;</c>: the subject of its receipt.</summary>
    public string Export { get; set; } = "";

    public string Origin { get; set; } = "";

    public long TreeSize { get; set; }

    public DateTimeOffset ExportedAt { get; set; }

    /// <summary>The filter as asked for (subject, actor, action, start_time, end_time); absent fields were not set.</summary>
    public SortedDictionary<string, string> Filter { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The receipts' ids in log order.</summary>
    public List<string> Receipts { get; set; } = [];

    /// <summary>Receipts that matched but were not in the checkpoint yet, so are not in the bundle.</summary>
    public int PendingNotIncluded { get; set; }

    /// <summary>The trusted size the consistency proof starts from, when the export asked for one.</summary>
    public long? ConsistencyFromSize { get; set; }

    /// <summary>Every other file of the bundle and its SHA-256 in lowercase hex.</summary>
    public SortedDictionary<string, string> Files { get; set; } = new(StringComparer.Ordinal);

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <exception cref="JsonException">Not a manifest.</exception>
    public static EvidenceManifest Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<EvidenceManifest>(json, Json) ?? throw new JsonException("the manifest is empty");
}
