using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>pilotdeck.cohorts.v1's participant methods.</summary>
public sealed partial class CohortsService
{
    private static readonly string[] ParticipantFieldNames =
        ["alias", "email", "phone", "locale", "status", "source", "channel", "tags", "consent", "last_contact_time", "reply_time"];

    public override async Task<CreateParticipantResponse> CreateParticipant(CreateParticipantRequest request, ServerCallContext context)
    {
        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken);
        var (candidate, violations) = CohortMapping.ToDraft(request.Participant ?? new Participant()).Check(cohort, f => "participant." + f);
        var note = CheckNote(request.Note, violations);
        if (candidate is null || note.Violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. note.Violations]);
        }

        return await idempotent.RunAsync(context.Method, request.RequestId, request, CreateParticipantResponse.Parser, () => receipts.RecordAsync(context.Method, r => ParticipantChanges.NameOf(r.Participant.ParticipantId), async () =>
        {
            await EnsureKeyIsFreeAsync(cohort.Id, candidate.NaturalKey, exceptId: null, context.CancellationToken);
            var now = time.GetUtcNow();
            var participant = changes.Create(OrderedIds.New(now), cohort, candidate, note.Text, now);
            await db.SaveChangesAsync(context.CancellationToken);
            return new CreateParticipantResponse { Participant = CohortMapping.ToContract(participant, cohort.Slug) };
        }, context.CancellationToken), context.CancellationToken,
        authorize: () => policy.AuthorizeAsync(GovernedActions.ParticipantCreate, CohortName(cohort.Slug), new Dictionary<string, object?>
        {
            ["status"] = candidate.Status,
            ["channel"] = candidate.Channel,
            ["source"] = candidate.Source,
            ["tags"] = candidate.Tags.Cast<object?>().ToList(),
        }, request, context));
    }

    public override async Task<GetParticipantResponse> GetParticipant(GetParticipantRequest request, ServerCallContext context)
    {
        var participant = await CohortLookup.FindParticipantAsync(db, request.ParticipantId, "participant_id", tracked: false, context.CancellationToken);
        var slug = await db.Cohorts.Where(c => c.Id == participant.CohortId).Select(c => c.Slug).SingleAsync(context.CancellationToken);
        var response = new GetParticipantResponse { Participant = CohortMapping.ToContract(participant, slug) };
        response.NextStatuses.AddRange(Lifecycles.AllowedFrom(participant.Status).Select(Lifecycles.ToContract));
        response.StatusHistory.AddRange(await CohortLookup.StatusHistoryAsync(db, participant, context.CancellationToken));
        response.Notes.AddRange((await db.ParticipantNotes.AsNoTracking().Where(n => n.ParticipantId == participant.Id)
            .OrderBy(n => n.Id).ToListAsync(context.CancellationToken)).Select(CohortMapping.ToContract));
        return response;
    }

    public override async Task<ListParticipantsResponse> ListParticipants(ListParticipantsRequest request, ServerCallContext context)
    {
        var filter = await ParticipantFilter.ReadAsync(db, request.Cohort, request.Statuses, request.Tag, request.Consent, request.Text, context.CancellationToken);
        var page = pager.Read(request.PageSize, request.PageToken, filter.Canonical);
        var query = filter.Apply(db.Participants.AsNoTracking());
        // Ids are UUID v7: id order is creation order, and a stable keyset.
        if (page.After is { } after)
        {
            query = query.Where(p => string.Compare(p.Id, after) > 0);
        }

        var rows = await query.OrderBy(p => p.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, p => p.Id);
        var cohortIds = items.Select(p => p.CohortId).Distinct().ToList();
        var slugs = await db.Cohorts.Where(c => cohortIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Slug, context.CancellationToken);
        var response = new ListParticipantsResponse { NextPageToken = next };
        response.Participants.AddRange(items.Select(p => CohortMapping.ToContract(p, slugs[p.CohortId])));
        return response;
    }

    public override async Task<UpdateParticipantResponse> UpdateParticipant(UpdateParticipantRequest request, ServerCallContext context)
    {
        var input = request.Participant ?? throw ApiErrors.InvalidArgument(new FieldViolation("participant.participant_id", "is required"));
        var paths = (request.UpdateMask?.Paths ?? []).ToList();
        if (paths.Any(p => !ParticipantFieldNames.Contains(p)) || (paths.Count == 0 && string.IsNullOrWhiteSpace(request.Note)))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.UpdateMaskInvalid,
                $"update_mask must list fields among {string.Join(", ", ParticipantFieldNames)} (or be empty when only a note is added).",
                violations: [new FieldViolation("update_mask", "lists a field that cannot be updated, or nothing while no note is given")]);
        }

        var participant = CohortLookup.EnsureNotErased(await CohortLookup.FindParticipantAsync(db, input.ParticipantId, "participant.participant_id", tracked: true, context.CancellationToken));
        var cohort = await db.Cohorts.AsNoTracking().SingleAsync(c => c.Id == participant.CohortId, context.CancellationToken);
        var (candidate, violations) = Merge(participant, CohortMapping.ToDraft(input), paths).Check(cohort, f => "participant." + f);
        var note = CheckNote(request.Note, violations);
        if (candidate is null || note.Violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. note.Violations]);
        }

        var previousStatus = participant.Status;
        Lifecycles.CheckStatusChange(previousStatus, candidate.Status);
        if (candidate.NaturalKey != participant.NaturalKey)
        {
            await EnsureKeyIsFreeAsync(cohort.Id, candidate.NaturalKey, participant.Id, context.CancellationToken);
        }

        await policy.AuthorizeAsync(GovernedActions.ParticipantUpdate, ParticipantChanges.NameOf(participant.Id), new Dictionary<string, object?>
        {
            ["fields"] = paths.Cast<object?>().ToList(),
            ["status"] = candidate.Status,
            ["previous_status"] = previousStatus,
        }, request, context);
        return await receipts.RecordAsync(context.Method, r => ParticipantChanges.NameOf(r.Participant.ParticipantId), async () =>
        {
            changes.Update(participant, candidate, note.Text, time.GetUtcNow());
            if (paths.Contains("last_contact_time"))
            {
                participant.LastContactedAt = input.LastContactTime?.ToDateTimeOffset();
            }

            if (paths.Contains("reply_time"))
            {
                participant.RepliedAt = input.ReplyTime?.ToDateTimeOffset();
            }

            await db.SaveChangesAsync(context.CancellationToken);
            return new UpdateParticipantResponse { Participant = CohortMapping.ToContract(participant, cohort.Slug) };
        }, context.CancellationToken);
    }

    public override async Task ExportParticipants(ExportParticipantsRequest request, IServerStreamWriter<ExportParticipantsResponse> responseStream, ServerCallContext context)
    {
        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken);
        var filter = await ParticipantFilter.ReadAsync(db, cohort.Slug, request.Statuses, "", "", "", context.CancellationToken);
        await policy.AuthorizeAsync(GovernedActions.ParticipantExport, CohortName(cohort.Slug), new Dictionary<string, object?>
        {
            ["statuses"] = filter.Statuses.Cast<object?>().ToList(),
        }, request, context);
        // The receipt is written before any row leaves: an export is recorded even if the reader stops halfway.
        await receipts.RecordAsync(context.Method, _ => CohortName(cohort.Slug), () => Task.FromResult(request), context.CancellationToken);
        await RosterExport.WriteAsync(db, filter, chunk => responseStream.WriteAsync(new ExportParticipantsResponse { CsvChunk = chunk }, context.CancellationToken), context.CancellationToken);
    }

    /// <summary>The participant as stored, with the masked fields taken from the request instead.</summary>
    private static ParticipantDraft Merge(ParticipantRecord current, ParticipantDraft requested, IReadOnlyCollection<string> paths)
    {
        var consentChanged = paths.Contains("consent") && requested.Consent != current.ConsentGiven;
        return new ParticipantDraft
        {
            Alias = paths.Contains("alias") ? requested.Alias : current.Alias,
            Email = paths.Contains("email") ? requested.Email : current.Email,
            Phone = paths.Contains("phone") ? requested.Phone : current.Phone,
            Locale = paths.Contains("locale") ? requested.Locale : current.Locale,
            Status = paths.Contains("status") ? requested.Status : current.Status,
            Source = paths.Contains("source") ? requested.Source : current.Source,
            Channel = paths.Contains("channel") ? requested.Channel : current.Channel,
            Tags = paths.Contains("tags") ? requested.Tags : ParticipantFields.ReadTags(current.Tags),
            Consent = paths.Contains("consent") ? requested.Consent : current.ConsentGiven,
            ConsentMethod = paths.Contains("consent") ? requested.ConsentMethod : current.ConsentMethod,
            // A new consent answer is dated now unless the request says when it was given.
            ConsentAt = paths.Contains("consent") ? requested.ConsentAt ?? (consentChanged ? null : current.ConsentAt) : current.ConsentAt,
        };
    }

    private static (string Text, IReadOnlyList<FieldViolation> Violations) CheckNote(string note, IReadOnlyList<FieldViolation> violations)
    {
        var text = note.Trim();
        return text.Length > ParticipantNoteRecord.MaxTextLength
            ? (text, [.. violations, new FieldViolation("note", $"must be at most {ParticipantNoteRecord.MaxTextLength} characters")])
            : (text, violations);
    }

    private async Task EnsureKeyIsFreeAsync(string cohortId, string naturalKey, string? exceptId, CancellationToken cancellationToken)
    {
        var holder = await db.Participants.Where(p => p.CohortId == cohortId && p.NaturalKey == naturalKey && p.Id != exceptId)
            .Select(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        if (holder is not null)
        {
            throw ApiErrors.Create(StatusCode.AlreadyExists, ErrorReason.ParticipantExists,
                "The cohort already has a participant with this " + (naturalKey.StartsWith("email:", StringComparison.Ordinal) ? "email." : "alias (and no email)."),
                new Dictionary<string, string> { ["participant_id"] = holder });
        }
    }
}
