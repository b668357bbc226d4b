using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data.Cohorts;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>Stored cohorts and participants to the contract's messages, and draft inputs from them.</summary>
public static class CohortMapping
{
    public const string DateFormat = "yyyy-MM-dd";

    public static Cohort ToContract(CohortRecord cohort, IReadOnlyDictionary<string, int>? statusCounts = null)
    {
        var contract = new Cohort
        {
            Slug = cohort.Slug,
            Title = cohort.Title,
            StartDate = cohort.StartDate?.ToString(DateFormat, CultureInfo.InvariantCulture) ?? "",
            EndDate = cohort.EndDate?.ToString(DateFormat, CultureInfo.InvariantCulture) ?? "",
            TargetSize = cohort.TargetSize,
            DefaultChannel = cohort.DefaultChannel,
            DefaultLocale = cohort.DefaultLocale,
            State = Lifecycles.StateToContract(cohort.State),
            Rehearsal = cohort.Rehearsal,
            CreateTime = Timestamp.FromDateTimeOffset(cohort.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(cohort.UpdatedAt),
        };
        if (statusCounts is not null)
        {
            // Every status, zeros included, in lifecycle order: a funnel has no gaps.
            contract.StatusCounts.AddRange(Lifecycles.Statuses.Select(s => new StatusCount { Status = Lifecycles.ToContract(s), Count = statusCounts.GetValueOrDefault(s) }));
        }

        return contract;
    }

    public static Participant ToContract(ParticipantRecord participant, string cohortSlug)
    {
        var contract = new Participant
        {
            ParticipantId = participant.Id,
            Cohort = cohortSlug,
            Alias = participant.Alias,
            Email = participant.Email,
            Phone = participant.Phone,
            Locale = participant.Locale,
            Status = Lifecycles.ToContract(participant.Status),
            Source = participant.Source,
            Channel = participant.Channel,
            LastContactTime = Optional(participant.LastContactedAt),
            ReplyTime = Optional(participant.RepliedAt),
            CreateTime = Timestamp.FromDateTimeOffset(participant.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(participant.UpdatedAt),
            EraseTime = Optional(participant.ErasedAt),
        };
        contract.Tags.AddRange(ParticipantFields.ReadTags(participant.Tags));
        if (participant.ConsentGiven is { } given)
        {
            contract.Consent = new Consent { Given = given, Method = participant.ConsentMethod, RecordTime = Optional(participant.ConsentAt) };
        }

        return contract;
    }

    /// <summary>The first entry of a participant's status history, which their own row keeps.</summary>
    public static StatusChange InitialStatus(ParticipantRecord participant) => new()
    {
        FromStatus = ParticipantStatus.Unspecified,
        ToStatus = Lifecycles.ToContract(participant.InitialStatus),
        Actor = participant.CreatedBy,
        ChangeTime = Timestamp.FromDateTimeOffset(participant.CreatedAt),
    };

    public static StatusChange ToContract(ParticipantStatusChangeRecord change) => new()
    {
        FromStatus = Lifecycles.ToContract(change.FromStatus),
        ToStatus = Lifecycles.ToContract(change.ToStatus),
        Actor = change.Actor,
        ChangeTime = Timestamp.FromDateTimeOffset(change.ChangedAt),
    };

    public static OutreachNote ToContract(ParticipantNoteRecord note) => new()
    {
        Text = note.Text,
        Author = note.Author,
        CreateTime = Timestamp.FromDateTimeOffset(note.CreatedAt),
    };

    /// <summary>The draft a participant message describes; an unspecified status stays "not given".</summary>
    public static ParticipantDraft ToDraft(Participant participant) => new()
    {
        Alias = participant.Alias,
        Email = participant.Email,
        Phone = participant.Phone,
        Locale = participant.Locale,
        Status = Lifecycles.StatusOf(participant.Status) ?? (participant.Status == ParticipantStatus.Unspecified ? "" : "#" + (int)participant.Status),
        Source = participant.Source,
        Channel = participant.Channel,
        Tags = participant.Tags,
        Consent = participant.Consent?.Given,
        ConsentMethod = participant.Consent?.Method ?? "",
        ConsentAt = participant.Consent?.RecordTime?.ToDateTimeOffset(),
    };

    private static Timestamp? Optional(DateTimeOffset? time) => time is { } t ? Timestamp.FromDateTimeOffset(t) : null;
}
