using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Data.Receipts;

namespace Pilotdeck.Server.Features.Receipts;

/// <summary>What the receipt RPCs share: the list and export filter, and the receipt as the API returns it.</summary>
internal static class ReceiptQueries
{
    /// <summary>
    /// Only receipts matching every non-empty filter field exactly; the time range is [start, end).
    /// An action that is a bare method name ("CreateParticipant") also matches the RPC receipts of
    /// that method ("/pilotdeck.cohorts.v1.CohortsService/CreateParticipant"): the portal shows the
    /// method name, and people filter by what they see.
    /// </summary>
    public static IQueryable<ReceiptRecord> Matching(this IQueryable<ReceiptRecord> query, string actor, string action, string subject,
        DateTimeOffset? start = null, DateTimeOffset? end = null)
    {
        if (actor.Length > 0)
        {
            query = query.Where(r => r.Actor == actor);
        }

        if (action.Length > 0 && IsMethodName(action))
        {
            var path = "/" + action;
            query = query.Where(r => r.Action == action || r.Action.EndsWith(path));
        }
        else if (action.Length > 0)
        {
            query = query.Where(r => r.Action == action);
        }

        if (subject.Length > 0)
        {
            query = query.Where(r => r.Subject == subject);
        }

        if (start is { } from)
        {
            query = query.Where(r => r.CreatedAt >= from);
        }

        if (end is { } until)
        {
            query = query.Where(r => r.CreatedAt < until);
        }

        return query;
    }

    /// <summary>A method name: letters and digits only, unlike a path (slashes) or a domain verb ("imports.commit").</summary>
    private static bool IsMethodName(string action) => action.All(char.IsAsciiLetterOrDigit);

    public static Receipt ToContract(ReceiptRecord receipt)
    {
        var contract = new Receipt
        {
            ReceiptId = receipt.Id,
            Actor = receipt.Actor,
            Action = receipt.Action,
            Subject = receipt.Subject,
            RequestId = receipt.RequestId ?? "",
            DecisionId = receipt.DecisionId ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(receipt.CreatedAt),
            ContentSha256 = ByteString.CopyFrom(receipt.ContentSha256),
        };
        if (receipt.LogIndex is { } index)
        {
            contract.LogIndex = index;
        }

        return contract;
    }
}
