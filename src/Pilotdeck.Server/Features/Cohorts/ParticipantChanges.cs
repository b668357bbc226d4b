using Google.Protobuf;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Platform.Receipts;
using CohortsContract = Pilotdeck.Contracts.Cohorts.V1.CohortsService;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// How a participant is created or changed — the record, its status history, its note — shared by
/// CohortsService and the roster importer, inside a transaction the caller holds and saves. A
/// participant's receipt has subject <c>participants/{id}</c>, the CohortsService method that makes
/// such a change as action, and the participant as returned as content.
/// </summary>
public sealed class ParticipantChanges(PilotdeckDbContext db, ChangeReceipts receipts)
{
    public static readonly string CreateAction = MethodName(nameof(CohortsContract.CohortsServiceBase.CreateParticipant));
    public static readonly string UpdateAction = MethodName(nameof(CohortsContract.CohortsServiceBase.UpdateParticipant));

    public static string NameOf(string participantId) => "participants/" + participantId;

    /// <summary>
    /// Adds participant <paramref name="id"/> (from <see cref="OrderedIds"/>) with <paramref name="values"/>
    /// to <paramref name="cohort"/> and its note (when not empty): to the context, or to
    /// <paramref name="newRecords"/> when the caller writes new records in bulk (an import's commit).
    /// The first status is kept on the participant's row.
    /// </summary>
    public ParticipantRecord Create(string id, CohortRecord cohort, CheckedParticipant values, string note, DateTimeOffset now, List<object>? newRecords = null)
    {
        var participant = values.NewRecord(id, cohort, receipts.Actor, now);
        Add(participant, newRecords);
        AddNote(participant.Id, note, now, newRecords);
        return participant;
    }

    /// <summary>Gives a tracked participant <paramref name="values"/>, records a status change and adds the note (when not empty).</summary>
    public void Update(ParticipantRecord participant, CheckedParticipant values, string note, DateTimeOffset now, List<object>? newRecords = null)
    {
        var previousStatus = participant.Status;
        participant.NaturalKey = values.NaturalKey;
        participant.Alias = values.Alias;
        participant.Email = values.Email;
        participant.Phone = values.Phone;
        participant.Locale = values.Locale;
        participant.Status = values.Status;
        participant.Source = values.Source;
        participant.Channel = values.Channel;
        participant.Tags = ParticipantFields.StoreTags(values.Tags);
        participant.ConsentGiven = values.Consent;
        participant.ConsentAt = values.Consent is null ? null : values.ConsentAt ?? now;
        participant.ConsentMethod = values.Consent is null ? "" : values.ConsentMethod;
        participant.UpdatedAt = now;
        // Whatever an import stored no longer describes the participant; an import sets its own afresh.
        participant.ImportDigest = null;
        if (values.Status != previousStatus)
        {
            RecordStatus(participant.Id, previousStatus, values.Status, now, newRecords);
        }

        AddNote(participant.Id, note, now, newRecords);
    }

    /// <summary>For a change made outside an API call's own receipt (an import): adds the participant's receipt (as <see cref="Create"/> adds records).</summary>
    public void AddReceipt(string action, ParticipantRecord participant, string cohortSlug, List<object>? newRecords = null)
    {
        var content = CohortMapping.ToContract(participant, cohortSlug).ToByteArray();
        if (newRecords is null)
        {
            receipts.Add(action, NameOf(participant.Id), content);
        }
        else
        {
            newRecords.Add(receipts.New(action, NameOf(participant.Id), content));
        }
    }

    private void RecordStatus(string participantId, string from, string to, DateTimeOffset now, List<object>? newRecords) =>
        Add(new ParticipantStatusChangeRecord { ParticipantId = participantId, FromStatus = from, ToStatus = to, Actor = receipts.Actor, ChangedAt = now }, newRecords);

    private void AddNote(string participantId, string text, DateTimeOffset now, List<object>? newRecords)
    {
        if (text.Length > 0)
        {
            Add(new ParticipantNoteRecord { ParticipantId = participantId, Text = text, Author = receipts.Actor, CreatedAt = now }, newRecords);
        }
    }

    private void Add(object record, List<object>? newRecords)
    {
        if (newRecords is null)
        {
            db.Add(record);
        }
        else
        {
            newRecords.Add(record);
        }
    }

    private static string MethodName(string method) => $"/{CohortsContract.Descriptor.FullName}/{method}";
}
