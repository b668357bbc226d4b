using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Receipts;

/// <summary>
/// One stored hash of a tenant's receipt log, at its slot in the tlog layout (leaf hashes and the
/// hashes of complete subtrees); written once when the sequencer appends a receipt, never changed.
/// </summary>
public sealed class LogHashRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";
    public long Slot { get; init; }
    public required byte[] Hash { get; init; }
}

/// <summary>A signed checkpoint of a tenant's log: the C2SP signed note, as served to verifiers.</summary>
public sealed class LogCheckpointRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";
    public long TreeSize { get; init; }
    public required byte[] RootHash { get; init; }
    public required string SignedNote { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The Ed25519 key a tenant's checkpoints are signed with. Its name is the log's origin; the
/// signing key is stored protected by the host's data-protection keys, the verifier key in clear.
/// </summary>
public sealed class LogKeyRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";
    public required string Origin { get; init; }
    public required string ProtectedSigningKey { get; init; }
    public required string VerifierKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
