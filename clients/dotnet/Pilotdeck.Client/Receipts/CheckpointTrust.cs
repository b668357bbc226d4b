using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Client.Receipts;

/// <summary>How a verified checkpoint relates to the one a verifier trusted before for the same log.</summary>
public enum TrustOutcome
{
    /// <summary>Nothing was trusted for this log before: the checkpoint is trusted on first use.</summary>
    FirstUse,

    /// <summary>The same checkpoint as the trusted one.</summary>
    Same,

    /// <summary>Larger, and a consistency proof shows the trusted tree is its prefix.</summary>
    Extends,

    /// <summary>Smaller than the trusted one: it cannot be checked offline against it (no proof goes backwards here).</summary>
    Older,

    /// <summary>Larger, but with no consistency proof from the trusted size: refused.</summary>
    Unproven,

    /// <summary>Same size with another root, or a consistency proof that fails: the log showed two histories.</summary>
    Fork,
}

/// <summary>An outcome and, unless it is plainly good, why.</summary>
public sealed record TrustCheck(TrustOutcome Outcome, string? Reason)
{
    /// <summary>True for outcomes after which the candidate may replace the trusted checkpoint.</summary>
    public bool Advances => Outcome is TrustOutcome.FirstUse or TrustOutcome.Extends;

    /// <summary>True when the candidate must not be accepted.</summary>
    public bool Refused => Outcome is TrustOutcome.Unproven or TrustOutcome.Fork;
}

/// <summary>
/// Checkpoint helpers for verifiers that remember what they trusted (docs/receipts.md, trusted
/// checkpoints): opening a signed checkpoint with a pinned key, and deciding whether a newer one
/// may replace the trusted one: only with an RFC 9162 consistency proof from the trusted size.
/// </summary>
public static class CheckpointTrust
{
    /// <summary>Verifies <paramref name="signedCheckpoint"/> with <paramref name="verifierKey"/>; null and a reason when it does not verify.</summary>
    public static (Checkpoint? Checkpoint, string? Problem) Open(string signedCheckpoint, string verifierKey)
    {
        try
        {
            return (Checkpoint.Open(signedCheckpoint, NoteVerifierKey.Parse(verifierKey)), null);
        }
        catch (Exception ex) when (ex is MalformedNoteException or NoteVerificationException)
        {
            return (null, "does not verify with the key: " + ex.Message);
        }
    }

    /// <summary>
    /// Compares a verified <paramref name="candidate"/> with the verified <paramref name="trusted"/>
    /// checkpoint of the same log. <paramref name="consistency"/> is a proof from some size to the
    /// candidate's; it counts only when it starts at the trusted size.
    /// </summary>
    public static TrustCheck Compare(Checkpoint? trusted, Checkpoint candidate, (long FromSize, IReadOnlyList<LogHash> Proof)? consistency)
    {
        if (trusted is null || trusted.TreeSize == 0)
        {
            return new TrustCheck(trusted is null ? TrustOutcome.FirstUse : TrustOutcome.Extends, null);
        }

        if (candidate.TreeSize == trusted.TreeSize)
        {
            return candidate.RootHash == trusted.RootHash
                ? new TrustCheck(TrustOutcome.Same, null)
                : new TrustCheck(TrustOutcome.Fork, $"two signed checkpoints of size {trusted.TreeSize} have different roots ({trusted.RootHash} trusted, {candidate.RootHash} now)");
        }

        if (candidate.TreeSize < trusted.TreeSize)
        {
            return new TrustCheck(TrustOutcome.Older, $"the checkpoint (size {candidate.TreeSize}) is older than the trusted one (size {trusted.TreeSize}); its consistency with it was not checked");
        }

        if (consistency is not { } proof || proof.FromSize != trusted.TreeSize)
        {
            return new TrustCheck(TrustOutcome.Unproven,
                $"the checkpoint (size {candidate.TreeSize}) is newer than the trusted one (size {trusted.TreeSize}) and comes without a consistency proof from size {trusted.TreeSize}");
        }

        return MerkleProof.VerifyConsistency(trusted.TreeSize, trusted.RootHash, candidate.TreeSize, candidate.RootHash, proof.Proof)
            ? new TrustCheck(TrustOutcome.Extends, null)
            : new TrustCheck(TrustOutcome.Fork, $"the consistency proof from the trusted size {trusted.TreeSize} to size {candidate.TreeSize} fails: the log rewrote its history");
    }
}
