using Grpc.Core;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Portal.Pages.Cohorts;

namespace Pilotdeck.Portal.Pages.Home;

/// <summary>Something waiting for someone: how many, what, and the page that lists them.</summary>
/// <param name="More">True when there are more than <paramref name="Count"/> (only the first page was counted).</param>
public sealed record AttentionItem(int Count, bool More, string What, string Page, IReadOnlyDictionary<string, string> Route);

/// <summary>
/// What the home page shows a member: what is waiting (approvals they may decide, planned imports
/// nobody committed) and the cohorts under way (recruiting or running) with their funnels. A section the member's role may
/// not read is left out rather than shown as an error.
/// </summary>
public sealed record HomeDashboard(IReadOnlyList<AttentionItem> Attention, IReadOnlyList<CohortCard> Cohorts)
{
    /// <summary>The first page of anything counted; more shows as "50+".</summary>
    private const int CountedPage = 50;

    /// <summary>Cohorts shown; the rest are a click away on the cohorts page.</summary>
    public const int MaxCohorts = 6;

    public static async Task<HomeDashboard> LoadAsync(PilotdeckClient api, CancellationToken cancellationToken)
    {
        var attention = new List<AttentionItem>();
        var approvals = await ReadableAsync(() => api.Approvals.ListApprovalsAsync(
            new ListApprovalsRequest { AwaitingMe = true, PageSize = 1 }, cancellationToken: cancellationToken).ResponseAsync);
        if (approvals is { AwaitingMeCount: > 0 })
        {
            attention.Add(new(approvals.AwaitingMeCount, false, Plural(approvals.AwaitingMeCount, "approval request awaits", "approval requests await") + " your decision",
                "/Approvals/Index", new Dictionary<string, string>()));
        }

        var planned = await ReadableAsync(() => api.Imports.ListImportsAsync(
            new ListImportsRequest { State = ImportState.Planned, PageSize = CountedPage }, cancellationToken: cancellationToken).ResponseAsync);
        if (planned is { Imports.Count: > 0 })
        {
            attention.Add(new(planned.Imports.Count, planned.NextPageToken.Length > 0, Plural(planned.Imports.Count, "import is", "imports are") + " planned but not committed",
                "/Imports/Index", new Dictionary<string, string> { ["state"] = nameof(ImportState.Planned) }));
        }

        var cohorts = new List<CohortCard>();
        var listed = await ReadableAsync(() => api.Cohorts.ListCohortsAsync(new ListCohortsRequest { PageSize = CountedPage }, cancellationToken: cancellationToken).ResponseAsync);
        foreach (var cohort in (listed?.Cohorts ?? []).Where(c => c.State is CohortState.Recruiting or CohortState.Running).Take(MaxCohorts))
        {
            var followups = await ReadableAsync(() => api.Followups.ListFollowupsAsync(
                new ListFollowupsRequest { Cohort = cohort.Slug, PageSize = 1 }, cancellationToken: cancellationToken).ResponseAsync);
            cohorts.Add(new(cohort, followups?.DueCount));
            if (followups is { DueCount: > 0 })
            {
                attention.Add(new(followups.DueCount, false, Plural(followups.DueCount, "follow-up is", "follow-ups are") + $" due in {cohort.Title}",
                    "/Cohorts/Followups", new Dictionary<string, string> { ["slug"] = cohort.Slug }));
            }
        }

        return new HomeDashboard(attention, cohorts);
    }

    private static string Plural(int count, string one, string many) => count == 1 ? one : many;

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
