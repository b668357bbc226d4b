using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Receipts;

/// <summary>
/// The receipt of one state change in a tenant, written in the same transaction as the change.
/// Identifiers and hashes only, never personal data: erasing a person's data never touches the
/// log. Immutable once written; the tenant's Merkle log sequences it (docs/receipts.md).
/// </summary>
public sealed class ReceiptRecord : ITenantOwned
{
    /// <summary>Derived from the receipt's other fields (see the server's ReceiptText), so it can be recomputed.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    /// <summary>Who changed it: <c>user:&lt;id&gt;</c>, <c>client:&lt;client id&gt;</c> or <c>system:&lt;job&gt;</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>The RPC (full method name) or, outside calls, the domain verb.</summary>
    public required string Action { get; init; }

    /// <summary>The resource changed, as a resource name (e.g. <c>members/&lt;user id&gt;</c>).</summary>
    public required string Subject { get; init; }

    /// <summary>The call's W3C trace id, which the request log line and telemetry carry too; null outside calls.</summary>
    public string? RequestId { get; init; }

    /// <summary>The policy decision the change passed, once the policy engine takes one.</summary>
    public string? DecisionId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The receipt's leaf index in the tenant's log; null until the sequencer appends it.</summary>
    public long? LogIndex { get; set; }

    /// <summary>SHA-256 of the change's canonical content (the changed resource as the API returns it).</summary>
    public required byte[] ContentSha256 { get; init; }
}
