using System.Globalization;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Roster;

/// <summary>
/// One valid roster row: its cohort, what the row itself says (<see cref="Given"/>; empty cells
/// stay empty), the values a new participant would get (<see cref="AsNew"/>; empty cells defaulted
/// from the options), its note, and the row as read. Also what the row makes of a participant that
/// exists already (<see cref="ResolveAgainst"/>). A change here that changes what a row means must
/// raise the importer's <c>RowRulesVersion</c> (ADR 0029), or a re-import trusts digests of the old rules.
/// </summary>
public sealed record RosterRow(CohortRecord Cohort, ParticipantDraft Given, CheckedParticipant AsNew, string Note, SourceRow Source)
{
    /// <summary>
    /// Reads a row's cells into a roster row, adding to <paramref name="problems"/> (which holds what
    /// the caller found about the cohort); rejected when there is any problem or no cohort.
    /// </summary>
    public static RowParse<RosterRow> Read(SourceRow row, IReadOnlyDictionary<string, string> options, CohortRecord? cohort, List<RowProblem> problems)
    {
        var (consent, consentError) = ParticipantFields.Consent(row["consent"] ?? "");
        if (consentError is not null)
        {
            problems.Add(new("consent", consentError));
        }

        var consentAt = ParseTime(row["consent_at"]);
        if (row["consent_at"] is not null && consentAt is null)
        {
            problems.Add(new("consent_at", "must be YYYY-MM-DD or an ISO 8601 time with an offset"));
        }

        var note = row["note"] ?? "";
        if (note.Length > ParticipantNoteRecord.MaxTextLength)
        {
            problems.Add(new("note", $"must be at most {ParticipantNoteRecord.MaxTextLength} characters"));
        }

        // What the row itself says; empty cells stay empty here (an existing participant keeps its value).
        var given = new ParticipantDraft
        {
            Alias = row["alias"] ?? "",
            Email = row["email"] ?? "",
            Phone = row["phone"] ?? "",
            Locale = row["locale"] ?? "",
            Status = row["status"] ?? "",
            Source = row["source"] ?? "",
            Channel = row["channel"] ?? "",
            Tags = row["tags"] is { } tags ? [tags] : [],
            Consent = consent,
            ConsentMethod = row["consent_method"] ?? "",
            ConsentAt = consentAt,
        };
        if (cohort is null)
        {
            return RowParse<RosterRow>.Rejected(problems);
        }

        // Checked even when the cells above have problems: a rejected row lists all of them, so one
        // fix of the failed-rows file is enough.
        var asNew = given with
        {
            Locale = Or(given.Locale, options.GetValueOrDefault(RosterImporter.LocaleOption)),
            Status = Or(given.Status, options.GetValueOrDefault(RosterImporter.StatusOption)),
            Source = Or(given.Source, options.GetValueOrDefault(RosterImporter.SourceOption) ?? RosterImporter.DefaultSource),
            Channel = Or(given.Channel, options.GetValueOrDefault(RosterImporter.ChannelOption)),
        };
        var (values, violations) = asNew.Check(cohort, field => field);
        problems.AddRange(violations.Select(v => new RowProblem(v.Field, v.Description)));
        return values is null || problems.Count > 0
            ? RowParse<RosterRow>.Rejected(problems)
            : RowParse<RosterRow>.Valid(new RosterRow(cohort, given, values, note, row));
    }

    /// <summary>
    /// The existing participant with the row's non-empty cells laid over it, checked; a status the
    /// participant has already passed leaves its status as it is, one it cannot reach rejects the row.
    /// </summary>
    public (CheckedParticipant? Values, IReadOnlyList<RowProblem> Problems) ResolveAgainst(ParticipantRecord existing)
    {
        var (values, violations) = Merge(existing);
        if (values is null)
        {
            return (null, [.. violations.Select(v => new RowProblem(v.Field, v.Description))]);
        }

        if (values.Status == existing.Status || Lifecycles.AllowedFrom(existing.Status).Contains(values.Status))
        {
            return (values, []);
        }

        return Lifecycles.HasPassed(existing.Status, values.Status)
            ? (values with { Status = existing.Status }, [])
            : (null, [new RowProblem("status", $"the participant is {existing.Status}; it can move only to {string.Join(", ", Lifecycles.AllowedFrom(existing.Status))}")]);
    }

    private (CheckedParticipant? Values, IReadOnlyList<FieldViolation> Violations) Merge(ParticipantRecord existing)
    {
        var consentChanged = Given.Consent is not null && Given.Consent != existing.ConsentGiven;
        var draft = new ParticipantDraft
        {
            Alias = Or(Given.Alias, existing.Alias),
            Email = Or(Given.Email, existing.Email),
            Phone = Or(Given.Phone, existing.Phone),
            Locale = Or(Given.Locale, existing.Locale),
            Status = Or(Given.Status, existing.Status),
            Source = Or(Given.Source, existing.Source),
            Channel = Or(Given.Channel, existing.Channel),
            Tags = Given.Tags.Count > 0 ? Given.Tags : ParticipantFields.ReadTags(existing.Tags),
            Consent = Given.Consent ?? existing.ConsentGiven,
            ConsentMethod = Or(Given.ConsentMethod, existing.ConsentMethod),
            // A new consent answer is dated now unless the row says when it was given.
            ConsentAt = Given.ConsentAt ?? (consentChanged ? null : existing.ConsentAt),
            // Parsing a number is the dearest check. The stored one is normalised already, and Parse
            // checked the row's: with +country the locale plays no part, so the reading is the same.
            CheckedPhone = Given.Phone.Trim().Length == 0 ? existing.Phone : Given.Phone.TrimStart().StartsWith('+') ? AsNew.Phone : null,
            // An address reads the same in any locale: the row's was checked by Parse, the stored one when stored.
            CheckedEmail = Given.Email.Trim().Length == 0 ? existing.Email : AsNew.Email,
        };
        return draft.Check(Cohort, field => field);
    }

    /// <summary>Whether applying <paramref name="values"/> would change what is stored.</summary>
    public static bool Differs(CheckedParticipant values, ParticipantRecord existing) =>
        values.Alias != existing.Alias || values.Email != existing.Email || values.Phone != existing.Phone
        || values.Locale != existing.Locale || values.Status != existing.Status || values.Source != existing.Source
        || values.Channel != existing.Channel || ParticipantFields.StoreTags(values.Tags) != existing.Tags
        || values.Consent != existing.ConsentGiven || (values.Consent is not null && values.ConsentMethod != existing.ConsentMethod)
        || (values.Consent is not null && values.ConsentAt is { } at && at != existing.ConsentAt);

    private static string Or(string value, string? fallback) => value.Trim().Length > 0 ? value : fallback ?? "";

    private static DateTimeOffset? ParseTime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        // An offset is required: a bare local time would mean a different instant on every server.
        return HasOffset(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
    }

    private static bool HasOffset(string text) =>
        text.IndexOfAny(['T', 't', ' ']) is var t and > 0 && text.IndexOfAny(['Z', 'z', '+', '-'], t) > 0;
}
