using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Notifications;

namespace Pilotdeck.Server.Features.Cohorts.Followups;

/// <summary>
/// How a message for a participant leaves (docs/followups.md): a participant on the email channel
/// with an address gets it by SMTP; for anyone else the team's webhook is asked to pass it on, on
/// the participant's channel. The daily nudges and the "fixed" notices both send this way, and both
/// note what was sent on the participant, which counts as contact.
/// </summary>
public static class ParticipantMessages
{
    public static bool IsDirect(ParticipantRecord participant) => participant.Channel == "email" && EmailAddresses.IsValid(participant.Email);

    /// <summary>The outbox channel a message for <paramref name="participant"/> takes.</summary>
    public static string ChannelOf(ParticipantRecord participant) => IsDirect(participant) ? NotificationChannels.Smtp : NotificationChannels.Webhook;

    /// <summary>
    /// The notification carrying <paramref name="message"/>: the message itself by email, or
    /// <paramref name="teamSubject"/> and <paramref name="teamBody"/> (which quote it) to the team.
    /// </summary>
    public static Notification Build(ParticipantRecord participant, RenderedMessage message, string teamSubject, string teamBody, string dedupeKey)
    {
        var direct = IsDirect(participant);
        return new Notification(
            ChannelOf(participant),
            direct ? participant.Email : "",
            OneLine(direct ? message.Subject : teamSubject),
            direct ? message.Body : teamBody,
            ParticipantChanges.NameOf(participant.Id),
            dedupeKey);
    }

    /// <summary>How a note says where the message went.</summary>
    public static string Route(ParticipantRecord participant) => IsDirect(participant) ? "email" : "team webhook, to send on " + participant.Channel;

    /// <summary>Appends an outreach note of <paramref name="kind"/> and stamps the last contact; the caller saves.</summary>
    public static void NoteContact(PilotdeckDbContext db, ParticipantRecord participant, string kind, string text, string actor, DateTimeOffset now)
    {
        db.ParticipantNotes.Add(new ParticipantNoteRecord { ParticipantId = participant.Id, Kind = kind, Text = text, Author = actor, CreatedAt = now });
        participant.LastContactedAt = now;
        participant.UpdatedAt = now;
    }

    // A subject is one line of bounded length; aliases come from people and files.
    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= OutboxMessageRecord.MaxSubjectLength ? line : line[..(OutboxMessageRecord.MaxSubjectLength - 1)] + "…";
    }
}
