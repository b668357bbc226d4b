using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Data.Sessions;

namespace Pilotdeck.Server.Features.Sessions;

/// <summary>Stored sessions and attachments to the contract's messages, and session dates in and out.</summary>
public static partial class SessionMapping
{
    public const string DateExample = "2025-11-10T13:00:00+08:00";

    public static string NameOf(SessionRecord session) => "sessions/" + session.Id;

    public static string NameOf(AttachmentRecord attachment) => "attachments/" + attachment.Id;

    public static Session ToContract(SessionRecord session) => new()
    {
        SessionId = session.Id,
        ParticipantId = session.ParticipantId,
        SessionDate = FormatDate(session.HeldAt, session.HeldAtOffsetMinutes),
        SessionTime = Timestamp.FromDateTimeOffset(session.HeldAt),
        Satisfaction = session.Satisfaction,
        Trust = session.Trust,
        Summary = session.Summary,
        FollowUp = session.FollowUp,
        Facilitator = session.Facilitator,
        CreateTime = Timestamp.FromDateTimeOffset(session.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(session.UpdatedAt),
    };

    public static Attachment ToContract(AttachmentRecord attachment) => new()
    {
        AttachmentId = attachment.Id,
        ParticipantId = attachment.ParticipantId,
        SessionId = attachment.SessionId ?? "",
        FileName = attachment.FileName,
        ContentType = attachment.ContentType,
        SizeBytes = attachment.SizeBytes,
        Sha256 = attachment.Sha256,
        UploadedBy = attachment.UploadedBy,
        CreateTime = Timestamp.FromDateTimeOffset(attachment.CreatedAt),
    };

    /// <summary>
    /// Reads an RFC 3339 date-time that carries its UTC offset. Returns the instant in UTC and the
    /// offset in minutes, or the reason it is refused: a local time without an offset is ambiguous.
    /// </summary>
    public static (DateTimeOffset Utc, int OffsetMinutes)? ParseDate(string text, out string? error)
    {
        error = null;
        var trimmed = text.Trim();
        if (!Rfc3339().IsMatch(trimmed))
        {
            error = WithoutOffset().IsMatch(trimmed)
                ? $"has no UTC offset; expected RFC 3339 with the offset, e.g. {DateExample}"
                : $"is required as RFC 3339 with a UTC offset, e.g. {DateExample}";
            return null;
        }

        if (!DateTimeOffset.TryParse(trimmed.ToUpperInvariant().Replace(' ', 'T'), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            error = $"is not a real date and time, or its offset is beyond ±14:00; expected e.g. {DateExample}";
            return null;
        }

        return (parsed.ToUniversalTime(), (int)parsed.Offset.TotalMinutes);
    }

    /// <summary>The instant shown at the offset it was given with; UTC as "Z", milliseconds only when there are some.</summary>
    public static string FormatDate(DateTimeOffset utc, int offsetMinutes)
    {
        var local = utc.ToOffset(TimeSpan.FromMinutes(offsetMinutes));
        var text = local.ToString(local.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return text + (offsetMinutes == 0 ? "Z" : local.ToString("zzz", CultureInfo.InvariantCulture));
    }

    // Seconds optional, at most milliseconds (what every provider stores exactly), offset required.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex WithoutOffset();
}
