using System.Globalization;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// A cohort (by slug) or a participant (by id) in the caller's tenant, or the answer every RPC gives for one
/// that is not there; and a participant's status history, kept on its row and in its status changes (ADR 0026).
/// </summary>
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

    /// <summary>A participant's status history, oldest first: the status they were created with, then every change.</summary>
    public static async Task<IReadOnlyList<StatusChange>> StatusHistoryAsync(PilotdeckDbContext db, ParticipantRecord participant, CancellationToken cancellationToken)
    {
        var changes = await db.ParticipantStatusChanges.AsNoTracking().Where(c => c.ParticipantId == participant.Id).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var history = new List<StatusChange>(changes.Count + 1);
        if (participant.InitialStatus.Length > 0)
        {
            history.Add(CohortMapping.InitialStatus(participant));
        }

        history.AddRange(changes.Select(CohortMapping.ToContract));
        return history;
    }

    /// <summary>Refuses a change to a participant whose personal data was erased: nothing new is recorded about them.</summary>
    public static ParticipantRecord EnsureNotErased(ParticipantRecord participant) =>
        participant.ErasedAt is { } erasedAt
            ? throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ParticipantErased,
                $"Participant '{participant.Id}' was erased on request; nothing more is recorded about them.",
                new Dictionary<string, string> { ["id"] = participant.Id, ["erase_time"] = erasedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) })
            : participant;
}
