using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Receipts;

public enum ReceiptCheck
{
    Pending,
    Verified,
    Failed,
}

/// <summary>One receipt as the receipts tables show it, with the outcome of checking it in the portal.</summary>
public sealed record ReceiptRow(string ReceiptId, DateTimeOffset? Created, string Action, string Subject, string Actor, string DecisionId, long? LogIndex, ReceiptCheck Check, string? Problem)
{
    public static ReceiptRow From(Receipt receipt, ReceiptCheck check, string? problem) => new(
        receipt.ReceiptId, receipt.CreateTime?.ToDateTimeOffset(), receipt.Action, receipt.Subject, receipt.Actor, receipt.DecisionId,
        receipt.HasLogIndex ? receipt.LogIndex : null, check, problem);

    /// <summary>Verified or failed, as <see cref="ReceiptProof"/> found.</summary>
    public static ReceiptRow Checked(Receipt receipt, ReceiptVerification verification) =>
        From(receipt, verification.Verified ? ReceiptCheck.Verified : ReceiptCheck.Failed, verification.Problem);

    /// <summary>The method name without its service, e.g. CreateMember.</summary>
    public string ShortAction => Action[(Action.LastIndexOf('/') + 1)..];
}

/// <summary>What <c>_ReceiptTable</c> shows: the rows, the table's caption and who the actors are.</summary>
public sealed record ReceiptTable(IReadOnlyList<ReceiptRow> Rows, string Caption, ActorNames Actors);
