using System.Text.RegularExpressions;
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
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Backlog;

/// <summary>
/// pilotdeck.backlog.v1 (docs/backlog.md): items here; promotion and merging in
/// BacklogService.Blockers.cs; the changelog and "fixed" notices in BacklogService.Releases.cs.
/// Every query runs in the caller's tenant, so another tenant's item, cohort, participant or
/// feedback is as unknown as one that never existed.
/// </summary>
public sealed partial class BacklogService(
    PilotdeckDbContext db, IdempotentCreates idempotent, Pager pager, ChangeReceipts receipts, PolicyGate policy, FeedbackSummaries summaries, FixedNotices notices, TimeProvider time)
    : Contracts.Backlog.V1.BacklogService.BacklogServiceBase
{
    private static readonly string[] ItemFields = ["title", "description", "state", "owner", "target_release", "participant_ids", "feedback_ids"];

    public override async Task<CreateBacklogItemResponse> CreateBacklogItem(CreateBacklogItemRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var input = request.Item ?? new BacklogItem();
        if (input.State is not (BacklogItemState.Unspecified or BacklogItemState.Open))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("item.state", "a new item is open; move it on with UpdateBacklogItem"));
        }

        var cohort = await CohortLookup.FindAsync(db, input.Cohort, "item.cohort", tracked: false, cancellationToken);
        var now = Now();
        var item = new BacklogItemRecord { Id = OrderedIds.New(now), CohortId = cohort.Id, Title = "", State = Lifecycles.Open, CreatedAt = now, UpdatedAt = now };
        var violations = Apply(item, input, ["title", "description", "target_release"]);
        await CheckOwnerAsync(item.Owner = input.Owner.Trim(), violations, cancellationToken);
        var links = await BacklogLinks.ResolveAsync(db, cohort.Id, input.ParticipantIds, input.FeedbackIds, "item.", violations, cancellationToken);
        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        return await idempotent.RunAsync(context.Method, request.RequestId, request, CreateBacklogItemResponse.Parser, () => receipts.RecordAsync(context.Method, r => BacklogMapping.NameOf(r.Item.ItemId), async () =>
        {
            db.BacklogItems.Add(item);
            await BacklogLinks.AddAsync(db, item.Id, links, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new CreateBacklogItemResponse { Item = await BacklogMapping.ToContractAsync(db, item, cancellationToken) };
        }, cancellationToken), cancellationToken,
        authorize: () => policy.AuthorizeAsync(GovernedActions.BacklogCreate, "cohorts/" + cohort.Slug, new Dictionary<string, object?>
        {
            ["has_owner"] = item.Owner.Length > 0,
            ["participants"] = (long)links.Count(l => l.Kind == BacklogLinkRecord.Participant),
            ["feedback"] = (long)links.Count(l => l.Kind == BacklogLinkRecord.Feedback),
        }, request, context));
    }

    public override async Task<GetBacklogItemResponse> GetBacklogItem(GetBacklogItemRequest request, ServerCallContext context) =>
        new() { Item = await BacklogMapping.ToContractAsync(db, await FindAsync(request.ItemId, "item_id", tracked: false, context.CancellationToken), context.CancellationToken) };

    public override async Task<ListBacklogItemsResponse> ListBacklogItems(ListBacklogItemsRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var states = request.States.Select(s => BacklogMapping.StateOf(s) ?? throw ApiErrors.InvalidArgument(new FieldViolation("states", $"{s} is not a backlog item state"))).Distinct().Order().ToList();
        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, cancellationToken);
        var owner = request.Owner.Trim();
        var release = request.TargetRelease.Trim();
        var page = pager.Read(request.PageSize, request.PageToken, $"cohort={cohort.Id};states={string.Join(',', states)};owner={owner};release={release};merged={request.IncludeMerged}");
        var query = db.BacklogItems.AsNoTracking().Where(i => i.CohortId == cohort.Id)
            .Where(i => states.Count == 0 || states.Contains(i.State))
            .Where(i => owner.Length == 0 || i.Owner == owner)
            .Where(i => release.Length == 0 || i.TargetRelease == release)
            .Where(i => request.IncludeMerged || i.MergedInto == null);
        // Ids are UUID v7: id order is creation order.
        if (page.After is { } after)
        {
            query = query.Where(i => string.Compare(i.Id, after) > 0);
        }

        var rows = await query.OrderBy(i => i.Id).Take(page.FetchCount).ToListAsync(cancellationToken);
        var (items, next) = pager.Page(page, rows, i => i.Id);
        var response = new ListBacklogItemsResponse { NextPageToken = next };
        response.Items.AddRange(await BacklogMapping.ToContractAsync(db, items, cancellationToken));
        return response;
    }

    public override async Task<UpdateBacklogItemResponse> UpdateBacklogItem(UpdateBacklogItemRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var input = request.Item ?? throw ApiErrors.InvalidArgument(new FieldViolation("item.item_id", "is required"));
        var paths = (request.UpdateMask?.Paths ?? []).ToList();
        if (paths.Count == 0 || paths.Any(p => !ItemFields.Contains(p)))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.UpdateMaskInvalid, $"update_mask must list fields among: {string.Join(", ", ItemFields)}.",
                violations: [new FieldViolation("update_mask", "lists no field, or a field that cannot be updated")]);
        }

        // Read untracked: a denial by the policy saves its decision, and must not save this change too.
        var item = await FindAsync(input.ItemId, "item.item_id", tracked: false, cancellationToken);
        CheckNotMerged(item);
        var previousState = item.State;
        var previousRelease = item.TargetRelease;
        var violations = Apply(item, input, paths);
        // The move itself first: a release is only worth asking for when the item may ship next.
        Lifecycles.CheckBacklogStateChange(previousState, item.State);
        if (paths.Contains("owner"))
        {
            await CheckOwnerAsync(item.Owner = input.Owner.Trim(), violations, cancellationToken);
        }

        var links = await BacklogLinks.ResolveAsync(db, item.CohortId,
            paths.Contains("participant_ids") ? input.ParticipantIds : [], paths.Contains("feedback_ids") ? input.FeedbackIds : [], "item.", violations, cancellationToken);
        if (previousState == Lifecycles.Shipped && item.TargetRelease != previousRelease)
        {
            violations.Add(new("item.target_release", "cannot change once the item shipped: its changelog entry names it"));
        }

        if (item.State == Lifecycles.Shipped && previousState != Lifecycles.Shipped && item.TargetRelease.Length == 0)
        {
            violations.Add(new("item.target_release", "is required to ship: the changelog entry is written for it"));
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        await policy.AuthorizeAsync(GovernedActions.BacklogUpdate, BacklogMapping.NameOf(item.Id), new Dictionary<string, object?>
        {
            ["fields"] = paths.Cast<object?>().ToList(),
            ["state"] = item.State,
            ["previous_state"] = previousState,
            ["target_release"] = item.TargetRelease,
        }, request, context);
        return await receipts.RecordAsync(context.Method, r => BacklogMapping.NameOf(r.Item.ItemId), async () =>
        {
            // Attached with the time read as the concurrency token's original: a stale update is refused.
            db.BacklogItems.Update(item);
            item.UpdatedAt = Now();
            foreach (var (path, kind) in new[] { ("participant_ids", BacklogLinkRecord.Participant), ("feedback_ids", BacklogLinkRecord.Feedback) })
            {
                if (paths.Contains(path))
                {
                    await BacklogLinks.RemoveAsync(db, item.Id, kind, cancellationToken);
                }
            }

            // Removed links are deleted before the new set goes in, so a kept link is re-added, not duplicated.
            await db.SaveChangesAsync(cancellationToken);
            await BacklogLinks.AddAsync(db, item.Id, links, cancellationToken);
            if (item.State == Lifecycles.Shipped && previousState != Lifecycles.Shipped)
            {
                item.ShippedAt = item.UpdatedAt;
                db.ChangelogEntries.Add(new ChangelogEntryRecord { ItemId = item.Id, CohortId = item.CohortId, Release = item.TargetRelease, Title = item.Title, ShippedAt = item.UpdatedAt });
            }

            await db.SaveChangesAsync(cancellationToken);
            return new UpdateBacklogItemResponse { Item = await BacklogMapping.ToContractAsync(db, item, cancellationToken) };
        }, cancellationToken);
    }

    /// <summary>Copies the named text fields and the state of <paramref name="input"/> onto <paramref name="item"/>, checking each.</summary>
    private static List<FieldViolation> Apply(BacklogItemRecord item, BacklogItem input, IReadOnlyCollection<string> paths)
    {
        var violations = new List<FieldViolation>();
        foreach (var path in paths)
        {
            var error = path switch
            {
                "title" => (item.Title = input.Title.Trim()).Length == 0 ? "is required"
                    : item.Title.Length > BacklogItemRecord.MaxTitleLength ? $"must be at most {BacklogItemRecord.MaxTitleLength} characters" : null,
                "description" => (item.Description = input.Description.Trim()).Length > BacklogItemRecord.MaxDescriptionLength
                    ? $"must be at most {BacklogItemRecord.MaxDescriptionLength} characters" : null,
                "target_release" => CheckRelease(item.TargetRelease = input.TargetRelease.Trim(), required: false),
                "state" => BacklogMapping.StateOf(input.State) is { } state ? Set(() => item.State = state) : $"must be one of {string.Join(", ", Lifecycles.BacklogStates)}",
                _ => null,
            };
            if (error is not null)
            {
                violations.Add(new FieldViolation("item." + path, error));
            }
        }

        return violations;

        static string? Set(Action assign)
        {
            assign();
            return null;
        }
    }

    /// <summary>A release names a version, as it appears in paths and changelogs: "2025.11.2", "v1.4.0-rc.1".</summary>
    public static string? CheckRelease(string release, bool required) =>
        release.Length == 0 ? (required ? "is required" : null)
        : release.Length > BacklogItemRecord.MaxReleaseLength ? $"must be at most {BacklogItemRecord.MaxReleaseLength} characters"
        : ReleasePattern().IsMatch(release) ? null : "must be letters, digits, '.', '-', '_' or '+', starting with a letter or digit";

    private async Task CheckOwnerAsync(string owner, List<FieldViolation> violations, CancellationToken cancellationToken)
    {
        if (owner.Length > 0 && !await db.Memberships.AnyAsync(m => m.UserId == owner, cancellationToken))
        {
            violations.Add(new("item.owner", "is not a member of this tenant"));
        }
    }

    private static void CheckNotMerged(BacklogItemRecord item)
    {
        if (item.MergedInto is { } survivor)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.BacklogItemMerged,
                $"Backlog item '{item.Id}' was merged into '{survivor}'; change that one.", new Dictionary<string, string> { ["merged_into"] = survivor });
        }
    }

    private async Task<BacklogItemRecord> FindAsync(string id, string field, bool tracked, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation(field, "is required"));
        }

        var query = tracked ? db.BacklogItems : db.BacklogItems.AsNoTracking();
        return await query.SingleOrDefaultAsync(i => i.Id == id.Trim(), cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.BacklogItemNotFound, "Backlog item", id);
    }

    // Whole milliseconds: what a change returns must equal what a later read gives on every provider.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ReleasePattern();
}
