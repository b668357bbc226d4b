using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Approvals;

/// <summary>
/// The approvals inbox: requests the policy held for approval that the signed-in member may decide,
/// every request by state, and how quickly the tenant decides them (decisions per day as a chart).
/// </summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    /// <summary>Unspecified shows what awaits the signed-in member.</summary>
    [BindProperty(SupportsGet = true)]
    public ApprovalState State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public IReadOnlyList<Approval> Approvals { get; private set; } = [];

    public int AwaitingMe { get; private set; }

    public GetApprovalStatsResponse? Stats { get; private set; }

    public PagerViewModel? Pager { get; private set; }

    public static IReadOnlyList<ApprovalState> States { get; } =
        [ApprovalState.Pending, ApprovalState.Approved, ApprovalState.Executed, ApprovalState.Denied, ApprovalState.Expired];

    public async Task OnGetAsync()
    {
        try
        {
            var request = new ListApprovalsRequest { AwaitingMe = State == ApprovalState.Unspecified, State = State, PageSize = options.PageSize, PageToken = PageToken ?? "" };
            var response = await Api.Approvals.ListApprovalsAsync(request, cancellationToken: Aborted);
            Approvals = response.Approvals;
            await NameActorsAsync();
            AwaitingMe = response.AwaitingMeCount;
            Pager = new PagerViewModel("/Approvals/Index", PageToken, response.NextPageToken,
                new Dictionary<string, string?> { ["state"] = State == ApprovalState.Unspecified ? null : State.ToString() });
            Stats = await Api.Approvals.GetApprovalStatsAsync(new GetApprovalStatsRequest { WindowDays = 14 }, cancellationToken: Aborted);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public Task<IActionResult> OnPostApproveAsync(string approvalId, string? comment) => DecideAsync(approvalId, comment, approve: true);

    public Task<IActionResult> OnPostDenyAsync(string approvalId, string? comment) => DecideAsync(approvalId, comment, approve: false);

    private async Task<IActionResult> DecideAsync(string approvalId, string? comment, bool approve)
    {
        try
        {
            var decided = approve
                ? (await Api.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId, Comment = comment ?? "" }, cancellationToken: Aborted)).Approval
                : (await Api.Approvals.DenyApprovalAsync(new DenyApprovalRequest { ApprovalId = approvalId, Comment = comment ?? "" }, cancellationToken: Aborted)).Approval;
            FlashNext(decided.State switch
            {
                ApprovalState.Approved => $"Approved {decided.Action} for {decided.Requester}; they can now repeat it with approval {decided.ApprovalId}.",
                ApprovalState.Denied => $"Denied {decided.Action} for {decided.Requester}.",
                _ => $"Your approval of {decided.Action} is recorded; it needs {decided.ApprovalsRequired} in all.",
            });
            return RedirectToPage("/Approvals/Index");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }

    public static string Label(ApprovalState state) => state == ApprovalState.Unspecified ? "Awaiting me" : state.ToString();

    /// <summary>A bar's height in the per-day chart, as a percentage of the busiest day.</summary>
    public int BarPercent(int count) =>
        Stats is null || count == 0 ? 0 : (int)Math.Ceiling(100.0 * count / Math.Max(1, Stats.Days.Max(d => d.Approved + d.Denied)));
}
