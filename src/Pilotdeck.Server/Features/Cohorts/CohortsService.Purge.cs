using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// PurgeCohort: removes a rehearsal cohort and everything in it, so `pilotdeck rehearse
/// --purge-existing` can start again from nothing. Real cohorts are refused: their data goes only by
/// retention or erasure. Every delete runs in the caller's tenant (query filters), so another
/// tenant's cohort of the same slug is NOT_FOUND and its rows are never touched.
/// </summary>
public sealed partial class CohortsService
{
    public override async Task<PurgeCohortResponse> PurgeCohort(PurgeCohortRequest request, ServerCallContext context)
    {
        var cancel = context.CancellationToken;
        var cohort = await CohortLookup.FindAsync(db, request.Slug, "slug", tracked: false, cancel);
        if (!cohort.Rehearsal)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.CohortNotRehearsal,
                $"Cohort '{cohort.Slug}' was not made by a rehearsal; only rehearsal cohorts can be purged.", new Dictionary<string, string> { ["slug"] = cohort.Slug });
        }

        var participants = db.Participants.Where(p => p.CohortId == cohort.Id);
        await policy.AuthorizeAsync(GovernedActions.CohortPurge, CohortName(cohort.Slug),
            new Dictionary<string, object?> { ["participants"] = (long)await participants.CountAsync(cancel) }, request, context);

        // Read before the rows go; the files are removed once the deletion has committed.
        var blobKeys = await db.Attachments.Where(a => participants.Any(p => p.Id == a.ParticipantId)).Select(a => a.BlobKey).ToListAsync(cancel);
        var purged = await receipts.RecordAsync(context.Method, r => CohortName(r.Slug), async () =>
        {
            var attachments = await db.Attachments.Where(a => participants.Any(p => p.Id == a.ParticipantId)).ExecuteDeleteAsync(cancel);
            var sessions = await db.Sessions.Where(s => participants.Any(p => p.Id == s.ParticipantId)).ExecuteDeleteAsync(cancel);
            await db.FeedbackItems.Where(i => i.CohortId == cohort.Id).ExecuteDeleteAsync(cancel);
            var feedback = await db.Feedback.Where(f => f.CohortId == cohort.Id).ExecuteDeleteAsync(cancel);
            await db.FeedbackCounts.Where(c => c.CohortId == cohort.Id).ExecuteDeleteAsync(cancel);
            await db.BlockerCounts.Where(k => k.CohortId == cohort.Id).ExecuteDeleteAsync(cancel);
            var notes = await db.ParticipantNotes.Where(n => participants.Any(p => p.Id == n.ParticipantId)).ExecuteDeleteAsync(cancel);
            var changes = await db.ParticipantStatusChanges.Where(c => participants.Any(p => p.Id == c.ParticipantId)).ExecuteDeleteAsync(cancel);
            // The backlog the rehearsal promoted, children first rather than trusting each provider's cascades.
            var items = db.BacklogItems.Where(i => i.CohortId == cohort.Id);
            await db.ChangelogEntries.Where(e => e.CohortId == cohort.Id).ExecuteDeleteAsync(cancel);
            await db.BacklogLinks.Where(l => items.Any(i => i.Id == l.ItemId)).ExecuteDeleteAsync(cancel);
            await items.ExecuteDeleteAsync(cancel);
            var people = await participants.ExecuteDeleteAsync(cancel);
            await db.SentimentAlerts.Where(a => a.CohortId == cohort.Id).ExecuteDeleteAsync(cancel);
            await db.FeedbackReports.Where(r => r.CohortId == cohort.Id).ExecuteDeleteAsync(cancel);
            await db.Cohorts.Where(c => c.Id == cohort.Id).ExecuteDeleteAsync(cancel);
            return new PurgeCohortResponse
            {
                Slug = cohort.Slug,
                Participants = people,
                // Each participant's first status was kept on their row.
                StatusChanges = changes + people,
                Notes = notes,
                Sessions = sessions,
                Attachments = attachments,
                Feedback = feedback,
            };
        }, cancel);

        foreach (var key in blobKeys)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }

        return purged;
    }
}
