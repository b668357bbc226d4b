using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Backlog;
using Pilotdeck.Server.Features.Cohorts;

namespace Pilotdeck.Server.Features.Backlog;

/// <summary>Backlog records as the contract shows them: states as enums, links as id lists.</summary>
public static class BacklogMapping
{
    public static string NameOf(string itemId) => "backlog/" + itemId;

    public static BacklogItemState ToContract(string state) => (BacklogItemState)(Lifecycles.BacklogStates.ToList().IndexOf(state) + 1);

    /// <summary>The stored state an enum value names, or null for unspecified/unknown values.</summary>
    public static string? StateOf(BacklogItemState state) =>
        (int)state is var n && n >= 1 && n <= Lifecycles.BacklogStates.Count ? Lifecycles.BacklogStates[n - 1] : null;

    /// <summary>The items as the contract shows them, with their links and cohort slugs, in the order given.</summary>
    public static async Task<List<BacklogItem>> ToContractAsync(PilotdeckDbContext db, IReadOnlyList<BacklogItemRecord> items, CancellationToken cancellationToken)
    {
        var ids = items.Select(i => i.Id).ToList();
        var links = (await db.BacklogLinks.AsNoTracking().Where(l => ids.Contains(l.ItemId)).OrderBy(l => l.Id).ToListAsync(cancellationToken)).ToLookup(l => l.ItemId);
        var cohortIds = items.Select(i => i.CohortId).Distinct().ToList();
        var slugs = await db.Cohorts.AsNoTracking().Where(c => cohortIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Slug, cancellationToken);
        return [.. items.Select(i => ToContract(i, slugs[i.CohortId], [.. links[i.Id]]))];
    }

    public static async Task<BacklogItem> ToContractAsync(PilotdeckDbContext db, BacklogItemRecord item, CancellationToken cancellationToken) =>
        (await ToContractAsync(db, [item], cancellationToken))[0];

    public static BacklogItem ToContract(BacklogItemRecord item, string cohortSlug, IReadOnlyList<BacklogLinkRecord> links)
    {
        var contract = new BacklogItem
        {
            ItemId = item.Id,
            Cohort = cohortSlug,
            Title = item.Title,
            Description = item.Description,
            State = ToContract(item.State),
            Owner = item.Owner,
            TargetRelease = item.TargetRelease,
            BlockerKey = item.BlockerKey ?? "",
            MergedInto = item.MergedInto ?? "",
            ShipTime = item.ShippedAt is { } shipped ? Timestamp.FromDateTimeOffset(shipped) : null,
            AnnounceTime = item.AnnouncedAt is { } announced ? Timestamp.FromDateTimeOffset(announced) : null,
            CreateTime = Timestamp.FromDateTimeOffset(item.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(item.UpdatedAt),
        };
        contract.ParticipantIds.AddRange(links.Where(l => l.Kind == BacklogLinkRecord.Participant).Select(l => l.TargetId));
        contract.FeedbackIds.AddRange(links.Where(l => l.Kind == BacklogLinkRecord.Feedback).Select(l => l.TargetId));
        return contract;
    }
}
