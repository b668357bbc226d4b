using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Contracts.Policy.V1;

namespace Pilotdeck.Cli.Policy;

/// <summary><c>pilotdeck approvals list | approve | deny | stats</c>: requests the policy held for approval (docs/policy.md).</summary>
public static class ApprovalsCommand
{
    private static readonly Column<Approval>[] Columns =
    [
        new("approval_id", a => a.ApprovalId),
        new("state", a => a.State),
        new("action", a => a.Action),
        new("subject", a => a.Subject),
        new("requester", a => a.Requester),
        new("approver_role", a => a.ApproverRole),
        new("approvals", a => $"{a.Votes.Count(v => v.Approved)}/{a.ApprovalsRequired}"),
        new("reason", a => a.Reason),
        new("create_time", a => a.CreateTime?.ToDateTimeOffset()),
        new("expire_time", a => a.ExpireTime?.ToDateTimeOffset()),
    ];

    private static readonly Column<GetApprovalStatsResponse>[] StatsColumns =
    [
        new("requested", s => s.Requested),
        new("approved", s => s.Approved),
        new("denied", s => s.Denied),
        new("expired", s => s.Expired),
        new("pending", s => s.Pending),
        new("median_cycle_time", s => s.MedianCycleTime?.ToTimeSpan().ToString()),
        new("p90_cycle_time", s => s.P90CycleTime?.ToTimeSpan().ToString()),
    ];

    public static Command Create(ApiContext api) => new("approvals", "Requests the tenant's policy held for approval: list, approve, deny, and how fast they are decided.")
    {
        List(api),
        Decide(api, approve: true),
        Decide(api, approve: false),
        Stats(api),
    };

    private static Command List(ApiContext api)
    {
        var mine = new Option<bool>("--awaiting-me") { Description = "Only pending requests you may decide." };
        var state = new Option<string?>("--state") { Description = "Only pending, approved, denied, expired or executed." };
        state.AcceptOnlyFromAmong("pending", "approved", "denied", "expired", "executed");
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List approval requests, newest first.") { mine, state, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListApprovalsRequest
            {
                AwaitingMe = parse.GetValue(mine),
                State = Enum.TryParse<ApprovalState>(parse.GetValue(state), ignoreCase: true, out var parsed) ? parsed : ApprovalState.Unspecified,
            };
            var awaiting = 0;
            var approvals = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Approvals.ListApprovalsAsync(request, cancellationToken: token);
                awaiting = page.AwaitingMeCount;
                return (page.Approvals.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), approvals, Columns, "No approval requests.");
            parse.InvocationConfiguration.Error.WriteLine($"{awaiting} pending request(s) await your decision.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Decide(ApiContext api, bool approve)
    {
        var id = new Argument<string>("approval-id") { Description = "The request's id (from `approvals list` or the APPROVAL_REQUIRED error)." };
        var comment = new Option<string?>("--comment") { Description = approve ? "Why (optional)." : "Why (required to deny).", Required = !approve };
        var output = Renderer.CreateOption();
        var command = new Command(approve ? "approve" : "deny", approve ? "Approve a pending request." : "Deny a pending request; one denial ends it.") { id, comment, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var (approvalId, text) = (parse.GetValue(id)!, parse.GetValue(comment) ?? "");
            var decided = approve
                ? (await client.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId, Comment = text }, cancellationToken: token)).Approval
                : (await client.Approvals.DenyApprovalAsync(new DenyApprovalRequest { ApprovalId = approvalId, Comment = text }, cancellationToken: token)).Approval;
            Renderer.Record(writer, Renderer.FormatOf(parse, output), decided, Columns);
            if (decided.State == ApprovalState.Approved)
            {
                parse.InvocationConfiguration.Error.WriteLine($"Approved. {decided.Requester} can now repeat the request with --approval {decided.ApprovalId}.");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Stats(ApiContext api)
    {
        var days = new Option<int>("--days") { Description = "Window in days back from now (default 30, at most 365)." };
        var output = Renderer.CreateOption();
        var command = new Command("stats", "Approval throughput and cycle time over a window.") { days, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var stats = await client.Approvals.GetApprovalStatsAsync(new GetApprovalStatsRequest { WindowDays = parse.GetValue(days) }, cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), stats, StatsColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
