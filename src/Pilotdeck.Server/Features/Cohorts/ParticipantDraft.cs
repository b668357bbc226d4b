using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// A participant as someone wrote it — from the API, a CSV row, the portal — before it is checked.
/// Empty texts mean "not given": channel and locale then come from the cohort, the status is invited.
/// </summary>
public sealed record ParticipantDraft
{
    public string Alias { get; init; } = "";
    public string Email { get; init; } = "";
    public string Phone { get; init; } = "";
    public string Locale { get; init; } = "";
    public string Status { get; init; } = "";
    public string Source { get; init; } = "";
    public string Channel { get; init; } = "";
    public IReadOnlyList<string> Tags { get; init; } = [];
    public bool? Consent { get; init; }
    public string ConsentMethod { get; init; } = "";
    public DateTimeOffset? ConsentAt { get; init; }

    /// <summary>
    /// <see cref="Phone"/> as already checked and normalised for this draft's region, when the
    /// caller has it (a stored record's own phone, or one an import row checked before): then
    /// <see cref="Check"/> takes it instead of parsing the number again.
    /// </summary>
    public string? CheckedPhone { get; init; }

    /// <summary>Likewise <see cref="Email"/>, already checked and trimmed (a stored record's, or one an import row checked).</summary>
    public string? CheckedEmail { get; init; }

    /// <summary>
    /// Checks and normalises every field; <paramref name="fieldOf"/> names a field the way the
    /// caller's input does (a proto path, a CSV column). Returns the participant's stored values,
    /// or the violations.
    /// </summary>
    public (CheckedParticipant? Participant, IReadOnlyList<FieldViolation> Violations) Check(CohortRecord cohort, Func<string, string> fieldOf)
    {
        var violations = new List<FieldViolation>();
        T Take<T>(string field, (T Value, string? Error) result)
        {
            if (result.Error is not null)
            {
                violations.Add(new FieldViolation(fieldOf(field), result.Error));
            }

            return result.Value;
        }

        var alias = Alias.Trim();
        if (alias.Length > ParticipantFields.MaxAliasLength)
        {
            violations.Add(new FieldViolation(fieldOf("alias"), $"must be at most {ParticipantFields.MaxAliasLength} characters"));
        }

        var email = CheckedEmail ?? Take("email", ParticipantFields.Email(Email));
        if (email.Length == 0 && alias.Length == 0)
        {
            violations.Add(new FieldViolation(fieldOf("email"), "an email or an alias is required (it identifies the participant in the cohort)"));
        }

        var locale = Take("locale", ParticipantFields.Locale(Locale.Trim().Length > 0 ? Locale : cohort.DefaultLocale));
        var phone = CheckedPhone ?? Take("phone", ParticipantFields.Phone(Phone, locale));
        var status = Status.Trim().Length == 0 ? Lifecycles.Invited : Lifecycles.ParseStatus(Status);
        if (status is null)
        {
            violations.Add(new FieldViolation(fieldOf("status"), $"is not a status; use one of {string.Join(", ", Lifecycles.Statuses)}"));
        }

        var source = Take("source", ParticipantFields.Word(Source, "source", 64));
        var channel = Take("channel", ParticipantFields.Word(Channel.Trim().Length > 0 ? Channel : cohort.DefaultChannel, "channel", 32));
        var tags = Take("tags", ParticipantFields.Tags(Tags));
        if (ConsentMethod.Length > 200)
        {
            violations.Add(new FieldViolation(fieldOf("consent"), "the consent method must be at most 200 characters"));
        }

        if (violations.Count > 0)
        {
            return (null, violations);
        }

        return (new CheckedParticipant(alias, email, phone, locale, status!, source, channel, tags, Consent, ConsentMethod.Trim(), ConsentAt), []);
    }
}

/// <summary>A participant's values after <see cref="ParticipantDraft.Check"/>: all valid, all normalised.</summary>
public sealed record CheckedParticipant(
    string Alias, string Email, string Phone, string Locale, string Status, string Source, string Channel,
    IReadOnlyList<string> Tags, bool? Consent, string ConsentMethod, DateTimeOffset? ConsentAt)
{
    public string NaturalKey => ParticipantFields.NaturalKey(Email, Alias);

    /// <summary>A new record <paramref name="id"/> for these values in <paramref name="cohort"/>, created by <paramref name="actor"/>.</summary>
    public ParticipantRecord NewRecord(string id, CohortRecord cohort, string actor, DateTimeOffset now) => new()
    {
        Id = id,
        CohortId = cohort.Id,
        NaturalKey = NaturalKey,
        Alias = Alias,
        Email = Email,
        Phone = Phone,
        Locale = Locale,
        Status = Status,
        InitialStatus = Status,
        CreatedBy = actor,
        Source = Source,
        Channel = Channel,
        Tags = ParticipantFields.StoreTags(Tags),
        ConsentGiven = Consent,
        ConsentAt = Consent is null ? null : ConsentAt ?? now,
        ConsentMethod = Consent is null ? "" : ConsentMethod,
        CreatedAt = now,
        UpdatedAt = now,
    };
}
