using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>A cohort (by slug) or a participant (by id) in the caller's tenant, or the answer every RPC gives for one that is not there.</summary>
public static class CohortLookup
{
    public static async Task<CohortRecord> FindAsync(PilotdeckDbContext db, string slug, string field, bool tracked, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(slug))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation(field, "is required"));
        }

        var query = tracked ? db.Cohorts : db.Cohorts.AsNoTracking();
        return await query.SingleOrDefaultAsync(c => c.Slug == slug.Trim(), cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.CohortNotFound, "Cohort", slug);
    }

    public static async Task<ParticipantRecord> FindParticipantAsync(PilotdeckDbContext db, string id, string field, bool tracked, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation(field, "is required"));
        }

        var query = tracked ? db.Participants : db.Participants.AsNoTracking();
        return await query.SingleOrDefaultAsync(p => p.Id == id.Trim(), cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.ParticipantNotFound, "Participant", id);
    }
}
