using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Policy;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Platform.Policy;

/// <summary>
/// Passes a governed action through the tenant's policy before its change runs (docs/policy.md).
/// Call it before the change's transaction opens. Allowed: the decision is handed to
/// <see cref="ChangeReceipts"/>, which stores it with the change and links it from the receipt.
/// Denied: the decision is stored and PERMISSION_DENIED thrown. Approval required: the decision and
/// an approval request (with its receipt) are stored and FAILED_PRECONDITION thrown; the same request
/// repeated with the <see cref="ApprovalHeader"/> of an approved request then runs, once.
/// </summary>
public sealed class PolicyGate(PilotdeckDbContext db, CallerAccessor caller, PolicyStore store, ChangeReceipts receipts, TimeProvider time)
{
    public const string ApprovalHeader = "pilotdeck-approval-id";

    public async Task AuthorizeAsync(string action, string subject, IReadOnlyDictionary<string, object?> attributes, IMessage request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var current = await store.CurrentAsync(cancellationToken);
        var who = caller.Current;
        var input = new PolicyInput(action, subject, who.IsApiClient ? "client" : "user", who.Subject,
            who.Role is { } role ? role.ToApiName() : null, who.Scopes, attributes);
        var outcome = current.Bundle.Evaluate(input);
        var approvalId = context.RequestHeaders.GetValue(ApprovalHeader);

        switch (outcome.Effect)
        {
            case PolicyEffect.Allow:
                receipts.Decided(Decision(input, current, outcome, null));
                return;

            case PolicyEffect.RequireApproval when !string.IsNullOrEmpty(approvalId):
                var (approval, refusal) = await ApprovedAsync(approvalId, action, PayloadHash(request), cancellationToken);
                if (refusal is not null)
                {
                    // The evaluation happened, so it leaves its decision, linked to the approval it tried to use.
                    var refused = Decision(input, current, outcome, approval?.Id);
                    db.PolicyDecisions.Add(refused);
                    await db.SaveChangesAsync(cancellationToken);
                    throw refusal(refused.Id);
                }

                // Saved with the change, in its transaction; the state is a concurrency token, so of
                // two calls using one approval only one commits (the other ends ABORTED).
                approval!.State = ApprovalStates.Executed;
                receipts.Decided(Decision(input, current, outcome, approval.Id));
                return;

            case PolicyEffect.RequireApproval:
                throw await OpenApprovalAsync(input, current, outcome, PayloadHash(request), cancellationToken);

            default:
                var denial = Decision(input, current, outcome, null);
                db.PolicyDecisions.Add(denial);
                await db.SaveChangesAsync(cancellationToken);
                throw ApiErrors.Create(StatusCode.PermissionDenied, ErrorReason.PolicyDenied, $"The tenant's policy denies {action}: {outcome.Reason}",
                    new Dictionary<string, string> { ["decision_id"] = denial.Id, ["rule_id"] = outcome.RuleId });
        }
    }

    /// <summary>SHA-256 of the request with its request_id cleared: a retry under a new request id is the same payload.</summary>
    public static string PayloadHash(IMessage request)
    {
        var copy = request.Descriptor.Parser.ParseFrom(request.ToByteArray());
        copy.Descriptor.FindFieldByName("request_id")?.Accessor.Clear(copy);
        return Convert.ToHexStringLower(SHA256.HashData(copy.ToByteArray()));
    }

    private async Task<RpcException> OpenApprovalAsync(PolicyInput input, PolicyVersionInForce current, PolicyOutcome outcome, string payloadHash, CancellationToken cancellationToken)
    {
        var rule = outcome.Rule!;
        var now = time.GetUtcNow();
        var id = "apr_" + Guid.NewGuid().ToString("N");
        var decision = Decision(input, current, outcome, id);
        var approval = new ApprovalRequestRecord
        {
            Id = id,
            Action = input.Action,
            Subject = input.Subject,
            PayloadSha256 = payloadHash,
            Requester = receipts.Actor,
            State = ApprovalStates.Pending,
            ApproverRole = rule.ApproverRole.ToClaimValue(),
            ApprovalsRequired = rule.ApprovalsRequired,
            DecisionId = decision.Id,
            Reason = outcome.Reason,
            CreatedAt = now,
            ExpiresAt = now + rule.ApprovalLifetime,
        };
        await receipts.Decided(decision).RecordAsync(ApprovalActions.Requested, a => ApprovalMapping.NameOf(a.ApprovalId), async () =>
        {
            db.ApprovalRequests.Add(approval);
            await db.SaveChangesAsync(cancellationToken);
            return ApprovalMapping.ToContract(approval, now);
        }, cancellationToken);

        return ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ApprovalRequired,
            $"The tenant's policy requires approval for {input.Action} ({outcome.Reason}); approval request {id} is open.",
            new Dictionary<string, string>
            {
                ["approval_id"] = id,
                ["decision_id"] = decision.Id,
                ["approver_role"] = rule.ApproverRole.ToApiName(),
                ["approvals_required"] = rule.ApprovalsRequired.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
    }

    /// <summary>
    /// The approval the call names, if it may run this request now; otherwise the refusal, made once
    /// the refused decision's id is known.
    /// </summary>
    private async Task<(ApprovalRequestRecord? Approval, Func<string, RpcException>? Refusal)> ApprovedAsync(string approvalId, string action, string payloadHash, CancellationToken cancellationToken)
    {
        var approval = await db.ApprovalRequests.SingleOrDefaultAsync(a => a.Id == approvalId, cancellationToken);
        Dictionary<string, string> Metadata(string decisionId, string? state = null)
        {
            var metadata = new Dictionary<string, string> { ["approval_id"] = approvalId, ["decision_id"] = decisionId };
            if (state is not null)
            {
                metadata["state"] = state;
            }

            return metadata;
        }

        if (approval is null)
        {
            return (null, decisionId => ApiErrors.Create(StatusCode.NotFound, ErrorReason.ApprovalNotFound,
                $"Approval request '{approvalId}' was not found in this tenant.", Metadata(decisionId)));
        }

        if (approval.Action != action || approval.PayloadSha256 != payloadHash || approval.Requester != receipts.Actor)
        {
            return (approval, decisionId => ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ApprovalMismatch,
                $"Approval {approvalId} was given to its requester for another {(approval.Action != action ? "action" : "request")}; a changed request needs a new approval.", Metadata(decisionId)));
        }

        var state = ApprovalStates.Effective(approval, time.GetUtcNow());
        return state == ApprovalStates.Approved
            ? (approval, null)
            : (approval, decisionId => ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ApprovalNotPending,
                $"Approval {approvalId} is {state}, not approved and unused.", Metadata(decisionId, state)));
    }

    private PolicyDecisionRecord Decision(PolicyInput input, PolicyVersionInForce current, PolicyOutcome outcome, string? approvalId) => new()
    {
        Id = "dec_" + Guid.NewGuid().ToString("N"),
        Action = input.Action,
        Subject = input.Subject,
        Actor = receipts.Actor,
        BundleVersion = current.Version,
        BundleSha256 = current.Bundle.Sha256,
        RuleId = outcome.RuleId,
        Effect = outcome.Effect.StoredName(),
        Reason = outcome.Reason.Length > 1000 ? outcome.Reason[..1000] : outcome.Reason,
        ApprovalId = approvalId,
        InputJson = input.ToJson(),
        CreatedAt = time.GetUtcNow(),
    };
}
