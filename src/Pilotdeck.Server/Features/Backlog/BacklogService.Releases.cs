using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Data.Backlog;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Backlog;

/// <summary>What shipped: a release's changelog, and telling the people who reported it (NotifyFixed).</summary>
public sealed partial class BacklogService
{
    public override async Task<GetChangelogResponse> GetChangelog(GetChangelogRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var release = request.Release.Trim();
        if (CheckRelease(release, required: true) is { } error)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("release", error));
        }

        var cohortId = request.Cohort.Trim().Length == 0 ? null : (await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, cancellationToken)).Id;
        var entries = await db.ChangelogEntries.AsNoTracking().Where(e => e.Release == release && (cohortId == null || e.CohortId == cohortId))
            .OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var itemIds = entries.Select(e => e.ItemId).ToList();
        var participants = (await db.BacklogLinks.AsNoTracking().Where(l => itemIds.Contains(l.ItemId) && l.Kind == BacklogLinkRecord.Participant)
            .OrderBy(l => l.Id).ToListAsync(cancellationToken)).ToLookup(l => l.ItemId, l => l.TargetId);
        var cohortIds = entries.Select(e => e.CohortId).Distinct().ToList();
        var slugs = await db.Cohorts.AsNoTracking().Where(c => cohortIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Slug, cancellationToken);
        var response = new GetChangelogResponse { Release = release };
        response.Entries.AddRange(entries.Select(e =>
        {
            var entry = new ChangelogEntry { ItemId = e.ItemId, Cohort = slugs[e.CohortId], Release = e.Release, Title = e.Title, ShipTime = Timestamp.FromDateTimeOffset(e.ShippedAt) };
            entry.ParticipantIds.AddRange(participants[e.ItemId]);
            return entry;
        }));
        return response;
    }

    public override async Task<NotifyFixedResponse> NotifyFixed(NotifyFixedRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var release = request.Release.Trim();
        if (CheckRelease(release, required: false) is { } error)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("release", error));
        }

        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, cancellationToken);
        var pending = await notices.PlanAsync(cohort, release, cancellationToken);
        if (request.DryRun || pending.Count == 0)
        {
            // Nothing changes, so nothing is governed or receipted.
            return await notices.SendAsync(cohort, pending, dryRun: request.DryRun, cancellationToken);
        }

        await policy.AuthorizeAsync(GovernedActions.BacklogNotify, "cohorts/" + cohort.Slug, new Dictionary<string, object?>
        {
            ["release"] = release,
            ["items"] = (long)pending.Select(p => p.Item.Id).Distinct().Count(),
            ["participants"] = (long)pending.Select(p => p.ParticipantId).Distinct().Count(),
        }, request, context);
        return await receipts.RecordAsync(context.Method, _ => "cohorts/" + cohort.Slug + "/backlog", () => notices.SendAsync(cohort, pending, dryRun: false, cancellationToken), cancellationToken);
    }
}
