using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Policy;
using Pilotdeck.Server.Platform.Auth;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>An approval request's states as stored. Expiry is read, not written: a pending request past its time is expired.</summary>
public static class ApprovalStates
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Expired = "expired";
    public const string Executed = "executed";

    public static string Effective(ApprovalRequestRecord approval, DateTimeOffset now) =>
        approval.State is Pending or Approved && approval.ExpiresAt <= now ? Expired : approval.State;

    public static ApprovalState ToContract(string state) => state switch
    {
        Pending => ApprovalState.Pending,
        Approved => ApprovalState.Approved,
        Denied => ApprovalState.Denied,
        Expired => ApprovalState.Expired,
        Executed => ApprovalState.Executed,
        _ => ApprovalState.Unspecified,
    };

    public static string? FromContract(ApprovalState state) => state switch
    {
        ApprovalState.Pending => Pending,
        ApprovalState.Approved => Approved,
        ApprovalState.Denied => Denied,
        ApprovalState.Expired => Expired,
        ApprovalState.Executed => Executed,
        _ => null,
    };
}

/// <summary>Receipt verbs of approval steps that are not RPCs of their own.</summary>
public static class ApprovalActions
{
    public const string Requested = "policy.approval-requested";
}

public static class ApprovalMapping
{
    public static string NameOf(string approvalId) => "approvals/" + approvalId;

    public static Approval ToContract(ApprovalRequestRecord approval, DateTimeOffset now)
    {
        var contract = new Approval
        {
            ApprovalId = approval.Id,
            Action = approval.Action,
            Subject = approval.Subject,
            PayloadSha256 = approval.PayloadSha256,
            Requester = approval.Requester,
            State = ApprovalStates.ToContract(ApprovalStates.Effective(approval, now)),
            ApproverRole = MemberRoles.Parse(approval.ApproverRole).ToApiName(),
            ApprovalsRequired = approval.ApprovalsRequired,
            DecisionId = approval.DecisionId,
            Reason = approval.Reason,
            CreateTime = Timestamp.FromDateTimeOffset(approval.CreatedAt),
            ExpireTime = Timestamp.FromDateTimeOffset(approval.ExpiresAt),
        };
        if ((approval.DecidedAt ?? (ApprovalStates.Effective(approval, now) == ApprovalStates.Expired ? approval.ExpiresAt : null)) is { } decided)
        {
            contract.DecideTime = Timestamp.FromDateTimeOffset(decided);
        }

        contract.Votes.AddRange(approval.Votes.OrderBy(v => v.CreatedAt).Select(v => new ApprovalVote
        {
            Approver = v.Approver,
            Approved = v.Approved,
            Comment = v.Comment,
            CreateTime = Timestamp.FromDateTimeOffset(v.CreatedAt),
        }));
        return contract;
    }
}
