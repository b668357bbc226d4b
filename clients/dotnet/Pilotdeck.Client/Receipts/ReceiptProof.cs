using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Client.Receipts;

/// <summary>The outcome of checking a receipt: verified, or the first thing that did not hold.</summary>
/// <param name="Verified">True when every check held.</param>
/// <param name="Problem">The first check that failed, in words; null when verified.</param>
/// <param name="TreeSize">The size of the checkpoint the receipt was proven in (0 when the checkpoint itself failed).</param>
public sealed record ReceiptVerification(bool Verified, string? Problem, long TreeSize)
{
    internal static ReceiptVerification Failed(string problem, long treeSize = 0) => new(false, problem, treeSize);
}

/// <summary>
/// Checks a receipt offline, trusting nothing the server says but the verifier key you trust: the
/// checkpoint's Ed25519 signature and origin, that the canonical bytes are this receipt's, and that
/// the inclusion proof leads from those bytes to the checkpoint's root (RFC 9162).
/// </summary>
public static class ReceiptProof
{
    /// <param name="response">A <c>GetReceipt</c> answer.</param>
    /// <param name="verifierKey">The log's verifier key text (<c>GetLogInfo</c>; pin it rather than fetching it each time).</param>
    public static ReceiptVerification Verify(GetReceiptResponse response, string verifierKey) =>
        Verify(response.Receipt, response.Canonical.Span, response.InclusionProof, response.SignedCheckpoint, verifierKey);

    /// <summary>Checks one entry of a <c>GetReceiptTimeline</c> page against the page's checkpoint.</summary>
    public static ReceiptVerification Verify(TimelineEntry entry, string signedCheckpoint, string verifierKey) =>
        entry.Pending
            ? ReceiptVerification.Failed("the receipt is not in the log yet")
            : Verify(entry.Receipt, entry.Canonical.Span, entry.InclusionProof, signedCheckpoint, verifierKey);

    private static ReceiptVerification Verify(Receipt? receipt, ReadOnlySpan<byte> canonical, IEnumerable<Google.Protobuf.ByteString> inclusionProof, string signedCheckpoint, string verifierKey)
    {
        var (checkpoint, problem) = CheckpointTrust.Open(signedCheckpoint, verifierKey);
        if (checkpoint is null)
        {
            return ReceiptVerification.Failed("the checkpoint " + problem);
        }

        if (receipt is null || !receipt.HasLogIndex)
        {
            return ReceiptVerification.Failed("the receipt is not in the log yet", checkpoint.TreeSize);
        }

        // The canonical form names the receipt's action and subject on lines of their own, and its id is derived from the rest.
        var text = System.Text.Encoding.UTF8.GetString(canonical);
        foreach (var line in new[] { $"action {receipt.Action}\n", $"subject {receipt.Subject}\n" })
        {
            if (!text.Contains(line, StringComparison.Ordinal))
            {
                return ReceiptVerification.Failed($"the canonical bytes do not say '{line.TrimEnd()}'", checkpoint.TreeSize);
            }
        }

        problem = CanonicalText.Check(canonical, receipt.ReceiptId)
            ?? InclusionProblem(canonical, receipt.LogIndex, [.. inclusionProof.Select(h => h.ToByteArray())], checkpoint);
        return problem is null ? new ReceiptVerification(true, null, checkpoint.TreeSize) : ReceiptVerification.Failed(problem, checkpoint.TreeSize);
    }

    /// <summary>Null when the inclusion proof leads from the leaf bytes to the checkpoint's root; else why not.</summary>
    internal static string? InclusionProblem(ReadOnlySpan<byte> canonical, long leafIndex, IReadOnlyList<byte[]> proof, Checkpoint checkpoint)
    {
        if (proof.Any(h => h.Length != LogHash.Size))
        {
            return "the inclusion proof holds a hash that is not 32 bytes";
        }

        return InclusionProblem(canonical, leafIndex, [.. proof.Select(h => new LogHash(h))], checkpoint);
    }

    internal static string? InclusionProblem(ReadOnlySpan<byte> canonical, long leafIndex, IReadOnlyList<LogHash> proof, Checkpoint checkpoint) =>
        MerkleProof.VerifyInclusion(LogHash.OfLeaf(canonical), leafIndex, checkpoint.TreeSize, proof, checkpoint.RootHash)
            ? null
            : $"the inclusion proof of leaf {leafIndex} does not lead to the root of checkpoint {checkpoint.TreeSize}";
}
