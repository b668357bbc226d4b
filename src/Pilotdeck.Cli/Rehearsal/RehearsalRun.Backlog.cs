using Pilotdeck.Contracts.Backlog.V1;

namespace Pilotdeck.Cli.Rehearsal;

/// <summary>
/// The rehearsal's backlog step, as `pilotdeck backlog promote|update` and `pilotdeck followups
/// --notify` would do it: the cohort's blocker groups become items, the most reported move along
/// open → planned → fixed → shipped as far as the plan says, the shipped ones go out in the plan's
/// release and their reporters are told.
/// </summary>
public sealed partial class RehearsalRun
{
    private async Task<RehearsedBacklog> RehearseBacklogAsync(string slug, RehearsalPlan plan)
    {
        var promoted = await client.Backlog.PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, cancellationToken: cancellationToken);
        // Ranked by what the seed decides (reports, then wording), never by id.
        var ranked = RehearsedBacklog.Ranked(promoted.Items);
        var targets = ranked.Select((item, rank) => (item, target: TargetOf(rank, plan.Backlog))).Where(x => x.target > BacklogItemState.Open).ToList();
        var moves = 0;
        // One item at a time, in rank order: the changelog lists items in the order they shipped.
        foreach (var (item, target) in targets)
        {
            for (var state = BacklogItemState.Planned; state <= target; state++)
            {
                var update = new UpdateBacklogItemRequest { Item = new BacklogItem { ItemId = item.ItemId, State = state }, UpdateMask = new() { Paths = { "state" } } };
                if (state == BacklogItemState.Planned)
                {
                    update.Item.TargetRelease = plan.Release;
                    update.UpdateMask.Paths.Add("target_release");
                }

                await client.Backlog.UpdateBacklogItemAsync(update, cancellationToken: cancellationToken);
                moves++;
            }
        }

        var changelog = await client.Backlog.GetChangelogAsync(new GetChangelogRequest { Release = plan.Release, Cohort = slug }, cancellationToken: cancellationToken);
        var told = await client.Backlog.NotifyFixedAsync(new NotifyFixedRequest { Cohort = slug, Release = plan.Release }, cancellationToken: cancellationToken);
        var items = await AllAsync(async (size, token) =>
        {
            var page = await client.Backlog.ListBacklogItemsAsync(new ListBacklogItemsRequest { Cohort = slug, PageSize = size, PageToken = token }, cancellationToken: cancellationToken);
            return (page.Items.AsEnumerable(), page.NextPageToken);
        });
        Say($"backlog: {promoted.Created} item(s) promoted from the blockers, {moves} state change(s), {changelog.Entries.Count} shipped in {plan.Release}; " +
            $"{told.Notices.Count} \"fixed\" message(s) queued");
        return new RehearsedBacklog(items, plan.Release, changelog.Entries.Count, told.Notices.Count, told.Notices.Select(n => n.ParticipantId).Distinct().Count());
    }

    private static BacklogItemState TargetOf(int rank, PlannedBacklog plan) =>
        rank < plan.Shipped ? BacklogItemState.Shipped
        : rank < plan.Shipped + plan.Fixed ? BacklogItemState.Fixed
        : rank < plan.Shipped + plan.Fixed + plan.Planned ? BacklogItemState.Planned
        : BacklogItemState.Open;
}

/// <summary>The backlog as the rehearsal left it, read back from the API.</summary>
/// <param name="Notices">"fixed" messages NotifyFixed queued, one per shipped item and reporter.</param>
public sealed record RehearsedBacklog(IReadOnlyList<BacklogItem> Items, string Release, int ChangelogEntries, int Notices, int NotifiedParticipants)
{
    /// <summary>Most reported first, then by wording: an order only the seed decides.</summary>
    public static List<BacklogItem> Ranked(IEnumerable<BacklogItem> items) =>
        [.. items.OrderByDescending(i => i.FeedbackIds.Count).ThenByDescending(i => i.ParticipantIds.Count).ThenBy(i => i.Title, StringComparer.Ordinal)];
}
