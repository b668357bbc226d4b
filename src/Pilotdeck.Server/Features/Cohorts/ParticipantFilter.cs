using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// A checked roster filter (cohort, statuses, tag, consent, text) as List and Export take it;
/// <see cref="Canonical"/> binds page tokens to it.
/// </summary>
public sealed record ParticipantFilter(string? CohortId, IReadOnlyList<string> Statuses, string Tag, string Consent, string Text)
{
    private static readonly string[] ConsentValues = ["given", "withdrawn", "unknown"];

    public string Canonical => $"cohort={CohortId};statuses={string.Join(',', Statuses)};tag={Tag};consent={Consent};text={Text}";

    public static async Task<ParticipantFilter> ReadAsync(PilotdeckDbContext db, string cohort, IEnumerable<ParticipantStatus> statuses, string tag, string consent, string text, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var statusList = new List<string>();
        foreach (var status in statuses)
        {
            if (Lifecycles.StatusOf(status) is { } known)
            {
                statusList.Add(known);
            }
            else
            {
                violations.Add(new FieldViolation("statuses", $"{status} is not a participant status"));
            }
        }

        var normalizedTag = tag.Trim().ToLowerInvariant();
        if (normalizedTag.Contains('|') || normalizedTag.Length > ParticipantFields.MaxTagLength)
        {
            violations.Add(new FieldViolation("tag", "must be one tag"));
        }

        var normalizedConsent = consent.Trim().ToLowerInvariant();
        if (normalizedConsent.Length > 0 && !ConsentValues.Contains(normalizedConsent))
        {
            violations.Add(new FieldViolation("consent", "must be given, withdrawn or unknown"));
        }

        if (text.Length > 200)
        {
            violations.Add(new FieldViolation("text", "must be at most 200 characters"));
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        string? cohortId = null;
        if (!string.IsNullOrWhiteSpace(cohort))
        {
            cohortId = (await CohortLookup.FindAsync(db, cohort, "cohort", tracked: false, cancellationToken)).Id;
        }

        return new ParticipantFilter(cohortId, statusList.Distinct().Order().ToList(), normalizedTag, normalizedConsent, text.Trim().ToLowerInvariant());
    }

    public IQueryable<ParticipantRecord> Apply(IQueryable<ParticipantRecord> query)
    {
        if (CohortId is not null)
        {
            query = query.Where(p => p.CohortId == CohortId);
        }

        if (Statuses.Count > 0)
        {
            query = query.Where(p => Statuses.Contains(p.Status));
        }

        if (Tag.Length > 0)
        {
            var stored = "|" + Tag + "|";
            query = query.Where(p => p.Tags.Contains(stored));
        }

        query = Consent switch
        {
            "given" => query.Where(p => p.ConsentGiven == true),
            "withdrawn" => query.Where(p => p.ConsentGiven == false),
            "unknown" => query.Where(p => p.ConsentGiven == null),
            _ => query,
        };

        if (Text.Length > 0)
        {
            query = query.Where(p => p.Alias.ToLower().Contains(Text) || p.Email.ToLower().Contains(Text) || p.Phone.Contains(Text));
        }

        return query;
    }
}
