using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Receipts;

/// <summary>
/// The receipt of one state change in a tenant, written in the same transaction as the change.
/// Identifiers and hashes only, never personal data: erasing a person's data never touches the
/// log. Immutable once written; the tenant's Merkle log sequences it (docs/receipts.md).
/// </summary>
public sealed class ReceiptRecord : ITenantOwned
{
    /// <summary>Derived from the receipt's other fields (<see cref="ReceiptText.IdOf"/>), so it can be recomputed.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    /// <summary>Who changed it: <c>user:&lt;id&gt;</c>, <c>client:&lt;client id&gt;</c>, <c>system:&lt;job&gt;</c> or, for an operator's command run against the database, <c>operator:&lt;OS user&gt;</c>.</summary>
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

    /// <summary>
    /// A new receipt, its id derived from the other fields (<see cref="ReceiptText.IdOf"/>). The time
    /// is cut to milliseconds: the log's text form keeps milliseconds, and the stored time must equal it.
    /// </summary>
    public static ReceiptRecord Create(string tenantId, string actor, string action, string subject, string? requestId, string? decisionId, DateTimeOffset time, byte[] contentSha256)
    {
        var draft = new ReceiptRecord
        {
            Id = "", TenantId = tenantId, Actor = actor, Action = action, Subject = subject, RequestId = requestId, DecisionId = decisionId,
            CreatedAt = new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero),
            ContentSha256 = contentSha256,
        };
        return new ReceiptRecord
        {
            Id = ReceiptText.IdOf(draft), TenantId = draft.TenantId, Actor = draft.Actor, Action = draft.Action, Subject = draft.Subject,
            RequestId = draft.RequestId, DecisionId = draft.DecisionId, CreatedAt = draft.CreatedAt, ContentSha256 = draft.ContentSha256,
        };
    }
}
