using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Backlog;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Feedback;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Backlog;

/// <summary>Blockers become items (PromoteBlockers) and duplicates become one (MergeBacklogItems).</summary>
public sealed partial class BacklogService
{
    public override async Task<PromoteBlockersResponse> PromoteBlockers(PromoteBlockersRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, cancellationToken);
        var groups = await summaries.BlockerGroupsAsync(cohort.Id, cancellationToken);
        var keys = groups.SelectMany(g => g.Select(k => k.Key)).ToList();
        var reports = (await summaries.Blockers(cohort.Id).Where(i => keys.Contains(i.GroupKey))
            .Select(i => new { i.GroupKey, i.FeedbackId, i.ParticipantId }).OrderBy(i => i.FeedbackId).ToListAsync(cancellationToken)).ToLookup(r => r.GroupKey);
        var items = await db.BacklogItems.AsNoTracking().Where(i => i.CohortId == cohort.Id).ToListAsync(cancellationToken);

        await policy.AuthorizeAsync(GovernedActions.BacklogPromote, "cohorts/" + cohort.Slug, new Dictionary<string, object?> { ["groups"] = (long)groups.Count }, request, context);
        return await receipts.RecordAsync(context.Method, _ => "cohorts/" + cohort.Slug + "/backlog", async () =>
        {
            var now = Now();
            var response = new PromoteBlockersResponse();
            var promoted = new List<BacklogItemRecord>();
            var created = new List<BacklogItemRecord>();
            var updated = new List<BacklogItemRecord>();
            foreach (var group in groups)
            {
                var links = group.SelectMany(k => reports[k.Key])
                    .SelectMany(r => new[] { new BacklogLinks.Link(BacklogLinkRecord.Participant, r.ParticipantId), new BacklogLinks.Link(BacklogLinkRecord.Feedback, r.FeedbackId) })
                    .OrderBy(l => l.Kind == BacklogLinkRecord.Feedback).ToList();
                var item = HomeOf(group, items);
                if (item is null)
                {
                    item = new BacklogItemRecord
                    {
                        Id = OrderedIds.New(now), CohortId = cohort.Id, Title = Truncate(group[0].Sample, BacklogItemRecord.MaxTitleLength),
                        Description = Truncate("Reported as: " + string.Join(" / ", group.Select(k => k.Sample)), BacklogItemRecord.MaxDescriptionLength),
                        State = Lifecycles.Open, BlockerKey = group[0].Key, CreatedAt = now, UpdatedAt = now,
                    };
                    db.BacklogItems.Add(item);
                    items.Add(item);
                    created.Add(item);
                }

                // An item that gains links is stamped once; two groups can drift onto one item.
                if (await BacklogLinks.AddAsync(db, item.Id, links, cancellationToken) > 0 && !created.Contains(item) && !promoted.Contains(item))
                {
                    db.BacklogItems.Update(item);
                    item.UpdatedAt = now;
                    updated.Add(item);
                }

                if (!promoted.Contains(item))
                {
                    promoted.Add(item);
                }
            }

            response.Created = created.Count;
            response.Updated = updated.Count;
            await db.SaveChangesAsync(cancellationToken);
            response.Items.AddRange(await BacklogMapping.ToContractAsync(db, promoted, cancellationToken));
            // Each item made or changed also gets its own receipt, so its timeline shows the promotion.
            foreach (var item in response.Items.Where(i => created.Concat(updated).Any(c => c.Id == i.ItemId)))
            {
                receipts.Add(context.Method, BacklogMapping.NameOf(item.ItemId), item.ToByteArray());
            }

            return response;
        }, cancellationToken);
    }

    /// <summary>
    /// The item a blocker group already has: one promoted from any of its keys, or from a key still
    /// similar to its leading one (groups drift as counts change); followed to its survivor when it
    /// was merged. Null when the group is new.
    /// </summary>
    private static BacklogItemRecord? HomeOf(IReadOnlyList<BlockerKeyCount> group, IReadOnlyList<BacklogItemRecord> items)
    {
        var home = items.FirstOrDefault(i => i.BlockerKey is { } key && group.Any(k => k.Key == key))
            ?? items.FirstOrDefault(i => i.BlockerKey is { } key && BlockerGrouping.Similarity(key, group[0].Key) >= BlockerGrouping.Threshold);
        while (home?.MergedInto is { } survivor)
        {
            home = items.FirstOrDefault(i => i.Id == survivor);
        }

        return home;
    }

    public override async Task<MergeBacklogItemsResponse> MergeBacklogItems(MergeBacklogItemsRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var violations = new List<FieldViolation>();
        if (request.DuplicateIds.Count == 0)
        {
            violations.Add(new("duplicate_ids", "name at least one item to merge"));
        }

        for (var i = 0; i < request.DuplicateIds.Count; i++)
        {
            var id = request.DuplicateIds[i].Trim();
            if (id.Length == 0 || id == request.SurvivorId.Trim() || request.DuplicateIds.Take(i).Any(d => d.Trim() == id))
            {
                violations.Add(new($"duplicate_ids[{i}]", id.Length == 0 ? "is required" : id == request.SurvivorId.Trim() ? "is the survivor" : "is named twice"));
            }
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        var survivor = await FindAsync(request.SurvivorId, "survivor_id", tracked: false, cancellationToken);
        CheckNotMerged(survivor);
        CheckMergeable(survivor, survivor);
        var duplicates = new List<BacklogItemRecord>();
        foreach (var id in request.DuplicateIds)
        {
            var duplicate = await FindAsync(id, "duplicate_ids", tracked: false, cancellationToken);
            if (duplicate.MergedInto == survivor.Id)
            {
                continue;
            }

            CheckNotMerged(duplicate);
            CheckMergeable(survivor, duplicate);
            duplicates.Add(duplicate);
        }

        await policy.AuthorizeAsync(GovernedActions.BacklogMerge, BacklogMapping.NameOf(survivor.Id), new Dictionary<string, object?> { ["duplicates"] = (long)duplicates.Count }, request, context);
        return await receipts.RecordAsync(context.Method, r => BacklogMapping.NameOf(r.Item.ItemId), async () =>
        {
            var now = Now();
            db.BacklogItems.Update(survivor);
            survivor.UpdatedAt = now;
            foreach (var duplicate in duplicates)
            {
                var links = await db.BacklogLinks.AsNoTracking().Where(l => l.ItemId == duplicate.Id).OrderBy(l => l.Id).ToListAsync(cancellationToken);
                await BacklogLinks.AddAsync(db, survivor.Id, links.Select(l => new BacklogLinks.Link(l.Kind, l.TargetId)), cancellationToken);
                db.BacklogItems.Update(duplicate);
                duplicate.MergedInto = survivor.Id;
                duplicate.UpdatedAt = now;
                receipts.Add(context.Method, BacklogMapping.NameOf(duplicate.Id), Encoding.UTF8.GetBytes(duplicate.Id + "\n" + survivor.Id));
            }

            await db.SaveChangesAsync(cancellationToken);
            return new MergeBacklogItemsResponse { Item = await BacklogMapping.ToContractAsync(db, survivor, cancellationToken) };
        }, cancellationToken);
    }

    private static void CheckMergeable(BacklogItemRecord survivor, BacklogItemRecord item)
    {
        var problem = item.CohortId != survivor.CohortId ? "it belongs to another cohort than the survivor"
            : item.State == Lifecycles.Shipped ? "it is shipped: its changelog entry and participants are final"
            : null;
        if (problem is not null)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.BacklogMergeNotAllowed, $"Backlog item '{item.Id}' cannot be merged: {problem}.",
                new Dictionary<string, string> { ["item_id"] = item.Id, ["problem"] = problem });
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
