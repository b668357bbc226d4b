using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;
using Pilotdeck.Transparency.Notes;

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
    public static ReceiptVerification Verify(GetReceiptResponse response, string verifierKey)
    {
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Open(response.SignedCheckpoint, NoteVerifierKey.Parse(verifierKey));
        }
        catch (Exception ex) when (ex is MalformedNoteException or NoteVerificationException)
        {
            return ReceiptVerification.Failed("the checkpoint does not verify with the key: " + ex.Message);
        }

        var receipt = response.Receipt;
        if (receipt is null || !receipt.HasLogIndex)
        {
            return ReceiptVerification.Failed("the receipt is not in the log yet", checkpoint.TreeSize);
        }

        // The canonical form names the receipt's id, action and subject on lines of their own.
        var canonical = response.Canonical.ToStringUtf8();
        foreach (var line in new[] { $"id {receipt.ReceiptId}\n", $"action {receipt.Action}\n", $"subject {receipt.Subject}\n" })
        {
            if (!canonical.Contains(line, StringComparison.Ordinal))
            {
                return ReceiptVerification.Failed($"the canonical bytes do not say '{line.TrimEnd()}'", checkpoint.TreeSize);
            }
        }

        List<LogHash> proof;
        try
        {
            proof = [.. response.InclusionProof.Select(h => new LogHash(h.Span))];
        }
        catch (ArgumentException)
        {
            return ReceiptVerification.Failed("the inclusion proof holds a hash that is not 32 bytes", checkpoint.TreeSize);
        }

        return MerkleProof.VerifyInclusion(LogHash.OfLeaf(response.Canonical.Span), receipt.LogIndex, checkpoint.TreeSize, proof, checkpoint.RootHash)
            ? new ReceiptVerification(true, null, checkpoint.TreeSize)
            : ReceiptVerification.Failed($"the inclusion proof of leaf {receipt.LogIndex} does not lead to the root of checkpoint {checkpoint.TreeSize}", checkpoint.TreeSize);
    }
}
