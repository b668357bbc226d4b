using System.Globalization;
using System.Text;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Transparency.Bundles;

/// <summary>
/// The layout of an evidence bundle (docs/receipts.md): file names inside the zip and the text form
/// of its proof files. The server writes it and the SDK reads it, so both live here, once.
/// Proof files are plain text (<c>key value</c> lines, then one base64 hash per line, RFC 9162
/// order) so a verifier in any language, or by hand, can read them.
/// </summary>
public static class EvidenceBundleFormat
{
    public const string Version = "pilotdeck-evidence-bundle/v1";
    public const string ManifestFile = "manifest.json";
    public const string ReadmeFile = "README.txt";
    public const string CheckpointFile = "checkpoint.txt";
    public const string VerifierKeyFile = "verifier-key.txt";
    public const string ConsistencyFile = "consistency.txt";
    public const string ReceiptsFolder = "receipts/";

    /// <summary>The canonical text of receipt <paramref name="receiptId"/>.</summary>
    public static string ReceiptFile(string receiptId) => $"{ReceiptsFolder}{receiptId}.txt";

    /// <summary>The inclusion proof of receipt <paramref name="receiptId"/>.</summary>
    public static string ProofFile(string receiptId) => $"{ReceiptsFolder}{receiptId}.proof";

    /// <summary><c>leaf-index</c> and <c>tree-size</c> lines, then the proof's hashes.</summary>
    public static string FormatInclusionProof(long leafIndex, long treeSize, IEnumerable<LogHash> proof) =>
        Format([("leaf-index", leafIndex), ("tree-size", treeSize)], proof);

    /// <summary><c>from-size</c> and <c>to-size</c> lines, then the proof's hashes.</summary>
    public static string FormatConsistencyProof(long fromSize, long toSize, IEnumerable<LogHash> proof) =>
        Format([("from-size", fromSize), ("to-size", toSize)], proof);

    /// <summary>Reads a proof file: its two numbered lines (by the names expected) and its hashes.</summary>
    /// <exception cref="FormatException">The text is not such a proof file; the message says which line.</exception>
    public static (long First, long Second, IReadOnlyList<LogHash> Proof) ParseProof(string text, string firstKey, string secondKey)
    {
        var lines = text.EndsWith('\n') ? text[..^1].Split('\n') : throw new FormatException("a proof file ends with a newline");
        if (lines.Length < 2)
        {
            throw new FormatException($"a proof file starts with '{firstKey}' and '{secondKey}' lines");
        }

        var proof = new List<LogHash>(lines.Length - 2);
        for (var i = 2; i < lines.Length; i++)
        {
            try
            {
                proof.Add(LogHash.FromBase64(lines[i]));
            }
            catch (FormatException)
            {
                throw new FormatException($"line {i + 1} is not a base64 SHA-256 hash");
            }
        }

        return (Number(lines[0], firstKey, 1), Number(lines[1], secondKey, 2), proof);
    }

    private static long Number(string line, string key, int lineNumber) =>
        line.StartsWith(key + " ", StringComparison.Ordinal)
        && long.TryParse(line.AsSpan(key.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {lineNumber} is not '{key} <number>'");

    private static string Format(IEnumerable<(string Key, long Value)> header, IEnumerable<LogHash> proof)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in header)
        {
            text.Append(key).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        foreach (var hash in proof)
        {
            text.Append(hash.ToBase64()).Append('\n');
        }

        return text.ToString();
    }
}
