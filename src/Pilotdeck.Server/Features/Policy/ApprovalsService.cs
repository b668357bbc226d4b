using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Policy;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>
/// pilotdeck.policy.v1.ApprovalsService: the tenant's approval requests, deciding them, and their
/// throughput. Each approve or deny is a receipt; the approved action itself runs when its
/// requester repeats the request (see PolicyGate).
/// </summary>
public sealed class ApprovalsService(PilotdeckDbContext db, CallerAccessor caller, Pager pager, ChangeReceipts receipts, TimeProvider time)
    : Contracts.Policy.V1.ApprovalsService.ApprovalsServiceBase
{
    private const int MaxCommentLength = 1000;

    // Pending requests are few; the ones awaiting a caller are filtered in memory from at most this many.
    private const int MaxPendingScanned = 1000;

    public override async Task<ListApprovalsResponse> ListApprovals(ListApprovalsRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var awaiting = (await PendingAsync(context.CancellationToken)).Where(a => MayDecide(a, now)).ToList();
        var response = new ListApprovalsResponse { AwaitingMeCount = awaiting.Count };
        if (request.AwaitingMe)
        {
            response.Approvals.AddRange(awaiting.Take(Pager.MaxPageSize).Select(a => ApprovalMapping.ToContract(a, now)));
            return response;
        }

        var page = pager.Read(request.PageSize, request.PageToken, $"state={request.State}");
        var query = db.ApprovalRequests.AsNoTracking().Include(a => a.Votes).AsQueryable();
        if (request.State != ApprovalState.Unspecified)
        {
            // Expiry is computed, so "pending" excludes and "expired" includes requests past their time.
            query = ApprovalStates.FromContract(request.State) switch
            {
                ApprovalStates.Pending => query.Where(a => a.State == ApprovalStates.Pending && a.ExpiresAt > now),
                ApprovalStates.Approved => query.Where(a => a.State == ApprovalStates.Approved && a.ExpiresAt > now),
                ApprovalStates.Expired => query.Where(a => a.State == ApprovalStates.Expired || ((a.State == ApprovalStates.Pending || a.State == ApprovalStates.Approved) && a.ExpiresAt <= now)),
                { } state => query.Where(a => a.State == state),
                null => throw ApiErrors.InvalidArgument(new FieldViolation("state", $"unknown state {(int)request.State}")),
            };
        }

        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(a => a.CreatedAt < created || (a.CreatedAt == created && string.Compare(a.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, a => new NewestFirstKey(a.CreatedAt, a.Id).ToString());
        response.NextPageToken = next;
        response.Approvals.AddRange(items.Select(a => ApprovalMapping.ToContract(a, now)));
        return response;
    }

    public override async Task<GetApprovalResponse> GetApproval(GetApprovalRequest request, ServerCallContext context) =>
        new() { Approval = ApprovalMapping.ToContract(await FindAsync(request.ApprovalId, tracked: false, context.CancellationToken), time.GetUtcNow()) };

    public override async Task<ApproveApprovalResponse> ApproveApproval(ApproveApprovalRequest request, ServerCallContext context) =>
        new() { Approval = await DecideAsync(request.ApprovalId, request.Comment, approve: true, context) };

    public override async Task<DenyApprovalResponse> DenyApproval(DenyApprovalRequest request, ServerCallContext context) =>
        new() { Approval = await DecideAsync(request.ApprovalId, request.Comment, approve: false, context) };

    public override async Task<GetApprovalStatsResponse> GetApprovalStats(GetApprovalStatsRequest request, ServerCallContext context)
    {
        if (request.WindowDays is < 0 or > 365)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("window_days", "must be between 1 and 365 (0: 30)"));
        }

        var now = time.GetUtcNow();
        var since = now.AddDays(-(request.WindowDays == 0 ? 30 : request.WindowDays));
        var rows = await db.ApprovalRequests.AsNoTracking().Where(a => a.CreatedAt >= since).ToListAsync(context.CancellationToken);
        return ApprovalStats.Of(rows, since, now);
    }

    private async Task<Approval> DecideAsync(string approvalId, string commentText, bool approve, ServerCallContext context)
    {
        if (caller.Current.IsApiClient)
        {
            // Approval is a person's judgement; a client holding a token cannot give it.
            throw ApiErrors.Create(StatusCode.PermissionDenied, ErrorReason.ApproverNotEligible, "Only members decide approval requests; API clients cannot.");
        }

        var comment = commentText.Trim();
        if (comment.Length > MaxCommentLength || (!approve && comment.Length == 0))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("comment", approve ? $"must be at most {MaxCommentLength} characters" : $"is required to deny, at most {MaxCommentLength} characters"));
        }

        var approval = await FindAsync(approvalId, tracked: true, context.CancellationToken);
        var now = time.GetUtcNow();
        var state = ApprovalStates.Effective(approval, now);
        if (state != ApprovalStates.Pending)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ApprovalNotPending, $"Approval {approval.Id} is {state}; only a pending request can be decided.",
                new Dictionary<string, string> { ["approval_id"] = approval.Id, ["state"] = state });
        }

        if (!MayDecide(approval, now))
        {
            throw ApiErrors.Create(StatusCode.PermissionDenied, ErrorReason.ApproverNotEligible, WhyNot(approval),
                new Dictionary<string, string> { ["approval_id"] = approval.Id, ["approver_role"] = MemberRoles.Parse(approval.ApproverRole).ToApiName() });
        }

        return await receipts.RecordAsync(context.Method, a => ApprovalMapping.NameOf(a.ApprovalId), async () =>
        {
            approval.Votes.Add(new ApprovalVoteRecord { ApprovalId = approval.Id, Approver = receipts.Actor, Approved = approve, Comment = comment, CreatedAt = now });
            if (!approve || approval.Votes.Count(v => v.Approved) >= approval.ApprovalsRequired)
            {
                approval.State = approve ? ApprovalStates.Approved : ApprovalStates.Denied;
                approval.DecidedAt = now;
            }

            await db.SaveChangesAsync(context.CancellationToken);
            return ApprovalMapping.ToContract(approval, now);
        }, context.CancellationToken);
    }

    private bool MayDecide(ApprovalRequestRecord approval, DateTimeOffset now)
    {
        var me = caller.Current;
        return !me.IsApiClient
            && ApprovalStates.Effective(approval, now) == ApprovalStates.Pending
            && approval.Requester != receipts.Actor
            && approval.Votes.All(v => v.Approver != receipts.Actor)
            && me.Role is { } role && role.Satisfies(MemberRoles.Parse(approval.ApproverRole).ToContract());
    }

    private string WhyNot(ApprovalRequestRecord approval) =>
        approval.Requester == receipts.Actor ? "You requested this action; someone else must approve or deny it."
        : approval.Votes.Any(v => v.Approver == receipts.Actor) ? "You have already decided this request."
        : $"Deciding this request needs the {MemberRoles.Parse(approval.ApproverRole).ToApiName()} role or higher.";

    private Task<List<ApprovalRequestRecord>> PendingAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.ApprovalRequests.AsNoTracking().Include(a => a.Votes)
            .Where(a => a.State == ApprovalStates.Pending && a.ExpiresAt > now)
            .OrderByDescending(a => a.CreatedAt).Take(MaxPendingScanned).ToListAsync(cancellationToken);
    }

    private async Task<ApprovalRequestRecord> FindAsync(string approvalId, bool tracked, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(approvalId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("approval_id", "is required"));
        }

        var query = db.ApprovalRequests.Include(a => a.Votes);
        return await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(a => a.Id == approvalId, cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.ApprovalNotFound, "Approval request", approvalId);
    }
}
