using Grpc.Core;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Jobs.V1;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Portal.Infrastructure;
using Pilotdeck.Portal.Pages.Cohorts;

namespace Pilotdeck.Portal.Pages.Home;

/// <summary>Something waiting for someone: how many, what, and the page that lists them.</summary>
/// <param name="More">True when there are more than <paramref name="Count"/> (only the first page was counted).</param>
public sealed record AttentionItem(int Count, bool More, string What, string Page, IReadOnlyDictionary<string, string> Route);

/// <summary>
/// What the home page shows a member: what is waiting for them (approvals they may decide; for
/// facilitators planned imports nobody committed and follow-ups due; for admins also dead
/// notifications and failed job runs) and
/// the cohorts under way (recruiting or running) with their funnels. A section the member's role
/// may not read is left out rather than shown as an error.
/// </summary>
public sealed record HomeDashboard(IReadOnlyList<AttentionItem> Attention, IReadOnlyList<CohortCard> Cohorts)
{
    /// <summary>The first page of anything counted; more shows as "50+".</summary>
    private const int CountedPage = 50;

    /// <summary>Cohorts shown; the rest are a click away on the cohorts page.</summary>
    public const int MaxCohorts = 6;

    /// <summary>Counts only what <paramref name="user"/> can act on: imports and follow-ups for facilitators, dead notifications and failed job runs for admins.</summary>
    public static async Task<HomeDashboard> LoadAsync(PilotdeckClient api, PortalUser user, CancellationToken cancellationToken)
    {
        var attention = new List<AttentionItem>();
        void Add(int count, bool more, string one, string many, string page, Dictionary<string, string>? route = null)
        {
            if (count > 0)
            {
                attention.Add(new(count, more, count == 1 ? one : many, page, route ?? []));
            }
        }

        // Every count is its own call: sent together, the page waits for the slowest, not the sum.
        var approvalsCall = ReadableAsync(() => api.Approvals.ListApprovalsAsync(
            new ListApprovalsRequest { AwaitingMe = true, PageSize = 1 }, cancellationToken: cancellationToken).ResponseAsync);
        var plannedCall = user.CanFacilitate
            ? ReadableAsync(() => api.Imports.ListImportsAsync(new ListImportsRequest { State = ImportState.Planned, PageSize = CountedPage }, cancellationToken: cancellationToken).ResponseAsync)
            : Task.FromResult<ListImportsResponse?>(null);
        var outboxCall = user.IsAdmin
            ? ReadableAsync(() => api.Notifications.ListMessagesAsync(new ListMessagesRequest { PageSize = 1 }, cancellationToken: cancellationToken).ResponseAsync)
            : Task.FromResult<ListMessagesResponse?>(null);
        var failedCall = user.IsAdmin
            ? ReadableAsync(() => api.Jobs.ListJobRunsAsync(new ListJobRunsRequest { State = JobState.Failed, PageSize = CountedPage }, cancellationToken: cancellationToken).ResponseAsync)
            : Task.FromResult<ListJobRunsResponse?>(null);
        var cohortsCall = ReadableAsync(() => api.Cohorts.ListCohortsAsync(new ListCohortsRequest { PageSize = CountedPage }, cancellationToken: cancellationToken).ResponseAsync);

        var underWay = ((await cohortsCall)?.Cohorts ?? []).Where(c => c.State is CohortState.Recruiting or CohortState.Running).Take(MaxCohorts).ToList();
        var followups = await Task.WhenAll(underWay.Select(cohort => ReadableAsync(() => api.Followups.ListFollowupsAsync(
            new ListFollowupsRequest { Cohort = cohort.Slug, PageSize = 1 }, cancellationToken: cancellationToken).ResponseAsync)));

        var approvals = await approvalsCall;
        Add(approvals?.AwaitingMeCount ?? 0, false, "approval request awaits your decision", "approval requests await your decision", "/Approvals/Index");
        var planned = await plannedCall;
        Add(planned?.Imports.Count ?? 0, planned?.NextPageToken.Length > 0, "import is planned but not committed", "imports are planned but not committed",
            "/Imports/Index", new() { ["state"] = nameof(ImportState.Planned) });
        var outbox = await outboxCall;
        Add(outbox?.DeadCount ?? 0, false, "notification was not delivered (dead letter)", "notifications were not delivered (dead letters)",
            "/Admin/Notifications/Index", new() { ["state"] = nameof(MessageState.Dead) });
        var failed = await failedCall;
        Add(failed?.JobRuns.Count ?? 0, failed?.NextPageToken.Length > 0, "job run failed", "job runs failed",
            "/Admin/Jobs/Index", new() { ["state"] = nameof(JobState.Failed) });

        var cohorts = new List<CohortCard>();
        foreach (var (cohort, due) in underWay.Zip(followups.Select(f => f?.DueCount)))
        {
            cohorts.Add(new(cohort, due));
            Add(user.CanFacilitate ? due ?? 0 : 0, false, $"follow-up is due in {cohort.Title}", $"follow-ups are due in {cohort.Title}",
                "/Cohorts/Followups", new() { ["slug"] = cohort.Slug });
        }

        return new HomeDashboard(attention, cohorts);
    }

    /// <summary>The answer, or null when the member's role may not read it.</summary>
    private static async Task<T?> ReadableAsync<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
        {
            return null;
        }
    }
}
