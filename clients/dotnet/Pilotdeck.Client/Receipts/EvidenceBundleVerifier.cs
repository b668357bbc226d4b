using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pilotdeck.Transparency.Bundles;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Client.Receipts;

/// <summary>One thing in a bundle that did not hold: where (a receipt, or a file) and why.</summary>
public sealed record BundleProblem(string Where, string Why)
{
    /// <summary>"where: why".</summary>
    public override string ToString() => $"{Where}: {Why}";
}

/// <summary>What a verifier trusted before for one log: its verifier key and last signed checkpoint.</summary>
public sealed record TrustedLog(string VerifierKey, string SignedCheckpoint);

/// <summary>The outcome of checking an evidence bundle.</summary>
/// <param name="Problems">Everything that failed; empty when every receipt, proof and the checkpoint held.</param>
/// <param name="Trust">How the bundle's checkpoint relates to the trusted one; null when the checkpoint itself failed.</param>
/// <param name="Origin">The log the checkpoint names.</param>
/// <param name="VerifierKey">The key the checkpoint was checked with.</param>
/// <param name="SignedCheckpoint">The bundle's signed checkpoint, as found.</param>
/// <param name="TreeSize">The checkpoint's size (0 when it failed).</param>
/// <param name="ReceiptCount">How many receipts the bundle holds.</param>
public sealed record EvidenceVerification(
    IReadOnlyList<BundleProblem> Problems, TrustCheck? Trust, string? Origin, string? VerifierKey, string? SignedCheckpoint, long TreeSize, int ReceiptCount)
{
    /// <summary>True when nothing failed and the checkpoint is not refused against the trusted one.</summary>
    public bool Verified => Problems.Count == 0 && Trust is { Refused: false };
}

/// <summary>
/// Checks an evidence bundle (docs/receipts.md) offline: the checkpoint's signature with the key
/// you trust, each receipt's id against its text, each inclusion proof against the checkpoint's
/// root, the manifest's file hashes, and the checkpoint against the one trusted before for the log
/// (<see cref="CheckpointTrust"/>). Reads only the zip; makes no network call.
/// </summary>
public static class EvidenceBundleVerifier
{
    /// <param name="zip">The bundle.</param>
    /// <param name="trustedFor">What was trusted before for a log origin, or null.</param>
    /// <param name="pinnedKey">A verifier key to check with instead of the trusted or the bundle's own.</param>
    public static EvidenceVerification Verify(Stream zip, Func<string, TrustedLog?> trustedFor, string? pinnedKey = null)
    {
        var problems = new List<BundleProblem>();
        Dictionary<string, byte[]> files;
        try
        {
            files = Read(zip);
        }
        catch (InvalidDataException ex)
        {
            return Failed(new BundleProblem("bundle", "not a readable zip: " + ex.Message));
        }

        if (!files.TryGetValue(EvidenceBundleFormat.CheckpointFile, out var checkpointBytes) || !files.TryGetValue(EvidenceBundleFormat.VerifierKeyFile, out var keyBytes))
        {
            return Failed(new BundleProblem("bundle", $"has no {EvidenceBundleFormat.CheckpointFile} or {EvidenceBundleFormat.VerifierKeyFile}"));
        }

        // Which log the checkpoint claims to be decides what was trusted; the signature check below then holds it to that.
        var signed = Encoding.UTF8.GetString(checkpointBytes);
        var origin = signed.Split('\n')[0];
        var trusted = trustedFor(origin);
        var bundleKey = Encoding.UTF8.GetString(keyBytes).Trim();
        var key = pinnedKey ?? trusted?.VerifierKey ?? bundleKey;
        if (key != bundleKey)
        {
            problems.Add(new(EvidenceBundleFormat.VerifierKeyFile, $"is not the key you trust ({key}); the checkpoint is checked with the trusted key"));
        }

        var (checkpoint, checkpointProblem) = CheckpointTrust.Open(signed, key);
        if (checkpoint is null)
        {
            problems.Add(new(EvidenceBundleFormat.CheckpointFile, checkpointProblem!));
            return new EvidenceVerification(problems, null, origin, key, signed, 0, 0);
        }

        var receiptIds = files.Keys.Where(n => n.StartsWith(EvidenceBundleFormat.ReceiptsFolder, StringComparison.Ordinal) && n.EndsWith(".txt", StringComparison.Ordinal))
            .Select(n => n[EvidenceBundleFormat.ReceiptsFolder.Length..^4]).Order(StringComparer.Ordinal).ToList();
        foreach (var id in receiptIds)
        {
            if (ReceiptProblem(files, id, checkpoint) is { } why)
            {
                problems.Add(new("receipt " + id, why));
            }
        }

        problems.AddRange(ManifestProblems(files, checkpoint, receiptIds));
        var trust = CheckpointTrust.Compare(TrustedCheckpoint(trusted, key, problems), checkpoint, Consistency(files, checkpoint, problems));
        return new EvidenceVerification(problems, trust, checkpoint.Origin, key, signed, checkpoint.TreeSize, receiptIds.Count);
    }

    private static EvidenceVerification Failed(BundleProblem problem) => new([problem], null, null, null, null, 0, 0);

    private static Dictionary<string, byte[]> Read(Stream zip)
    {
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[entry.FullName] = copy.ToArray();
        }

        return files;
    }

    private static string? ReceiptProblem(Dictionary<string, byte[]> files, string id, Checkpoint checkpoint)
    {
        var canonical = files[EvidenceBundleFormat.ReceiptFile(id)];
        if (CanonicalText.Check(canonical, id) is { } textProblem)
        {
            return textProblem;
        }

        if (!files.TryGetValue(EvidenceBundleFormat.ProofFile(id), out var proofBytes))
        {
            return $"the bundle has no {EvidenceBundleFormat.ProofFile(id)}";
        }

        try
        {
            var (leafIndex, treeSize, proof) = EvidenceBundleFormat.ParseProof(Encoding.UTF8.GetString(proofBytes), "leaf-index", "tree-size");
            return treeSize != checkpoint.TreeSize
                ? $"its proof is against size {treeSize}, not the checkpoint's {checkpoint.TreeSize}"
                : ReceiptProof.InclusionProblem(canonical, leafIndex, proof, checkpoint);
        }
        catch (FormatException ex)
        {
            return $"{EvidenceBundleFormat.ProofFile(id)}: {ex.Message}";
        }
    }

    private static IEnumerable<BundleProblem> ManifestProblems(Dictionary<string, byte[]> files, Checkpoint checkpoint, IReadOnlyList<string> receiptIds)
    {
        EvidenceManifest manifest;
        try
        {
            manifest = EvidenceManifest.Parse(files.GetValueOrDefault(EvidenceBundleFormat.ManifestFile) ?? []);
        }
        catch (JsonException ex)
        {
            return [new(EvidenceBundleFormat.ManifestFile, "is missing or not a manifest: " + ex.Message)];
        }

        var problems = new List<BundleProblem>();
        if (manifest.Origin != checkpoint.Origin || manifest.TreeSize != checkpoint.TreeSize)
        {
            problems.Add(new(EvidenceBundleFormat.ManifestFile, $"names log {manifest.Origin} at size {manifest.TreeSize}, not the checkpoint's {checkpoint.Origin} at {checkpoint.TreeSize}"));
        }

        if (!manifest.Receipts.Order(StringComparer.Ordinal).SequenceEqual(receiptIds))
        {
            problems.Add(new(EvidenceBundleFormat.ManifestFile, "lists other receipts than the bundle holds"));
        }

        foreach (var name in files.Keys.Where(n => n != EvidenceBundleFormat.ManifestFile).Union(manifest.Files.Keys).Order(StringComparer.Ordinal))
        {
            var actual = files.TryGetValue(name, out var bytes) ? Convert.ToHexStringLower(SHA256.HashData(bytes)) : null;
            if (actual != manifest.Files.GetValueOrDefault(name))
            {
                problems.Add(new(name, actual is null ? "is listed in the manifest but missing" : "does not match the SHA-256 the manifest lists for it"));
            }
        }

        return problems;
    }

    private static Checkpoint? TrustedCheckpoint(TrustedLog? trusted, string key, List<BundleProblem> problems)
    {
        if (trusted is null)
        {
            return null;
        }

        var (checkpoint, problem) = CheckpointTrust.Open(trusted.SignedCheckpoint, key);
        if (checkpoint is null)
        {
            problems.Add(new("trusted checkpoint", problem!));
        }

        return checkpoint;
    }

    private static (long, IReadOnlyList<LogHash>)? Consistency(Dictionary<string, byte[]> files, Checkpoint checkpoint, List<BundleProblem> problems)
    {
        if (!files.TryGetValue(EvidenceBundleFormat.ConsistencyFile, out var bytes))
        {
            return null;
        }

        try
        {
            var (from, to, proof) = EvidenceBundleFormat.ParseProof(Encoding.UTF8.GetString(bytes), "from-size", "to-size");
            if (to == checkpoint.TreeSize)
            {
                return (from, proof);
            }

            problems.Add(new(EvidenceBundleFormat.ConsistencyFile, $"proves up to size {to}, not the checkpoint's {checkpoint.TreeSize}"));
        }
        catch (FormatException ex)
        {
            problems.Add(new(EvidenceBundleFormat.ConsistencyFile, ex.Message));
        }

        return null;
    }
}
