using System.Text.Json;
using System.Text.Json.Serialization;
using Pilotdeck.Cli.Api;
using Pilotdeck.Client.Receipts;

namespace Pilotdeck.Cli.Receipts;

/// <summary>
/// The last checkpoint the CLI trusted per log origin, with the verifier key it was checked with:
/// <c>trusted-checkpoints.json</c> in the config directory, beside the profiles. <c>receipts
/// export</c> asks for a consistency proof from the trusted size; <c>receipts verify</c> accepts a
/// newer checkpoint only with that proof, then remembers it (docs/receipts.md).
/// </summary>
public sealed class TrustedCheckpoints(string directory)
{
    public const string FileName = "trusted-checkpoints.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string Path => System.IO.Path.Combine(directory, FileName);

    public TrustedLog? Get(string origin) => Read().TryGetValue(origin, out var log) ? new TrustedLog(log.VerifierKey, log.SignedCheckpoint) : null;

    /// <summary>The trusted checkpoint's size for <paramref name="origin"/>, 0 when none (or it no longer parses).</summary>
    public long TrustedSize(string origin) => Read().TryGetValue(origin, out var log) ? log.TreeSize : 0;

    public void Trust(string origin, string verifierKey, string signedCheckpoint, long treeSize)
    {
        var all = Read();
        all[origin] = new Entry { VerifierKey = verifierKey, SignedCheckpoint = signedCheckpoint, TreeSize = treeSize, TrustedAt = DateTimeOffset.UtcNow };
        ConfigFiles.WriteOwnerOnly(directory, Path, stream => JsonSerializer.Serialize(stream, new StoreFile { Logs = new Dictionary<string, Entry>(all) }, Json));
    }

    private SortedDictionary<string, Entry> Read()
    {
        if (!File.Exists(Path))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            return new(JsonSerializer.Deserialize<StoreFile>(File.ReadAllText(Path), Json)?.Logs ?? [], StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Usage, $"{Path} is not a valid trusted-checkpoints file ({ex.Message}).",
                "Restore it from a backup; deleting it makes the next verified bundle trusted on first use.");
        }
    }

    private sealed class StoreFile
    {
        public Dictionary<string, Entry> Logs { get; set; } = [];
    }

    private sealed class Entry
    {
        public string VerifierKey { get; set; } = "";

        public string SignedCheckpoint { get; set; } = "";

        public long TreeSize { get; set; }

        public DateTimeOffset TrustedAt { get; set; }
    }
}
