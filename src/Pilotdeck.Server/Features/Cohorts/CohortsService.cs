using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Features.Cohorts.SubjectExport;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Blobs;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// pilotdeck.cohorts.v1: cohorts here, participants in CohortsService.Participants.cs. Every query
/// runs in the caller's tenant; a cohort of another tenant is as unknown as one that never existed.
/// </summary>
public sealed partial class CohortsService(
    PilotdeckDbContext db, IdempotentCreates idempotent, Pager pager, ChangeReceipts receipts, ParticipantChanges changes, PolicyGate policy, SubjectExports subjectExports, IBlobStore blobs, TimeProvider time)
    : Contracts.Cohorts.V1.CohortsService.CohortsServiceBase
{
    private static readonly string[] CohortFields = ["title", "start_date", "end_date", "target_size", "default_channel", "default_locale", "state"];

    public override Task<CreateCohortResponse> CreateCohort(CreateCohortRequest request, ServerCallContext context)
    {
        var input = request.Cohort ?? new Cohort();
        var slug = input.Slug.Trim();
        var violations = new List<FieldViolation>();
        if (!Slug().IsMatch(slug))
        {
            violations.Add(new("cohort.slug", "is required: lowercase letters, digits and dashes, at most 64, e.g. fall-2025"));
        }

        var now = time.GetUtcNow();
        var cohort = new CohortRecord
        {
            Id = OrderedIds.New(now), Slug = slug, Title = "", State = Lifecycles.Planning, Rehearsal = input.Rehearsal, CreatedAt = now, UpdatedAt = now,
        };
        violations.AddRange(Apply(cohort, input, ["title", "start_date", "end_date", "target_size", "default_channel", "default_locale"]));
        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        return idempotent.RunAsync(context.Method, request.RequestId, request, CreateCohortResponse.Parser, () => receipts.RecordAsync(context.Method, r => CohortName(r.Cohort.Slug), async () =>
        {
            if (await db.Cohorts.AnyAsync(c => c.Slug == slug, context.CancellationToken))
            {
                throw ApiErrors.Create(StatusCode.AlreadyExists, ErrorReason.CohortExists, $"This tenant already has a cohort '{slug}'.", new Dictionary<string, string> { ["slug"] = slug });
            }

            db.Cohorts.Add(cohort);
            await db.SaveChangesAsync(context.CancellationToken);
            return new CreateCohortResponse { Cohort = CohortMapping.ToContract(cohort, new Dictionary<string, int>()) };
        }, context.CancellationToken), context.CancellationToken,
        authorize: () => policy.AuthorizeAsync(GovernedActions.CohortCreate, CohortName(slug), new Dictionary<string, object?> { ["target_size"] = (long)cohort.TargetSize, ["rehearsal"] = cohort.Rehearsal }, request, context));
    }

    public override async Task<GetCohortResponse> GetCohort(GetCohortRequest request, ServerCallContext context)
    {
        var cohort = await CohortLookup.FindAsync(db, request.Slug, "slug", tracked: false, context.CancellationToken);
        var counts = await StatusCountsAsync([cohort.Id], context.CancellationToken);
        return new GetCohortResponse { Cohort = CohortMapping.ToContract(cohort, CountsOf(counts, cohort.Id)) };
    }

    public override async Task<ListCohortsResponse> ListCohorts(ListCohortsRequest request, ServerCallContext context)
    {
        var state = request.State == CohortState.Unspecified ? null
            : Lifecycles.StateOf(request.State) ?? throw ApiErrors.InvalidArgument(new FieldViolation("state", "is not a cohort state"));
        var page = pager.Read(request.PageSize, request.PageToken, $"state={state}");
        var query = db.Cohorts.AsNoTracking();
        if (state is not null)
        {
            query = query.Where(c => c.State == state);
        }

        // Ids are UUID v7: descending id order is newest first.
        if (page.After is { } after)
        {
            query = query.Where(c => string.Compare(c.Id, after) < 0);
        }

        var rows = await query.OrderByDescending(c => c.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, c => c.Id);
        var counts = await StatusCountsAsync(items.Select(c => c.Id).ToList(), context.CancellationToken);
        var response = new ListCohortsResponse { NextPageToken = next };
        response.Cohorts.AddRange(items.Select(c => CohortMapping.ToContract(c, CountsOf(counts, c.Id))));
        return response;
    }

    public override async Task<UpdateCohortResponse> UpdateCohort(UpdateCohortRequest request, ServerCallContext context)
    {
        var input = request.Cohort ?? throw ApiErrors.InvalidArgument(new FieldViolation("cohort.slug", "is required"));
        var paths = (request.UpdateMask?.Paths ?? []).ToList();
        if (paths.Count == 0 || paths.Any(p => !CohortFields.Contains(p)))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.UpdateMaskInvalid, $"update_mask must list fields among: {string.Join(", ", CohortFields)}.",
                violations: [new FieldViolation("update_mask", "lists no field, or a field that cannot be updated")]);
        }

        // Changed untracked: a denial by the policy saves its decision, and must not save this too.
        var cohort = await CohortLookup.FindAsync(db, input.Slug, "cohort.slug", tracked: false, context.CancellationToken);
        var previousState = cohort.State;
        var violations = Apply(cohort, input, paths);
        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        Lifecycles.CheckStateChange(previousState, cohort.State);
        cohort.UpdatedAt = time.GetUtcNow();
        await policy.AuthorizeAsync(GovernedActions.CohortUpdate, CohortName(cohort.Slug), new Dictionary<string, object?>
        {
            ["fields"] = paths.Cast<object?>().ToList(),
            ["state"] = cohort.State,
            ["previous_state"] = previousState,
        }, request, context);
        return await receipts.RecordAsync(context.Method, r => CohortName(r.Cohort.Slug), async () =>
        {
            db.Cohorts.Update(cohort);
            await db.SaveChangesAsync(context.CancellationToken);
            var counts = await StatusCountsAsync([cohort.Id], context.CancellationToken);
            return new UpdateCohortResponse { Cohort = CohortMapping.ToContract(cohort, CountsOf(counts, cohort.Id)) };
        }, context.CancellationToken);
    }

    /// <summary>Copies the named fields of <paramref name="input"/> onto <paramref name="cohort"/>, checking each.</summary>
    private static List<FieldViolation> Apply(CohortRecord cohort, Cohort input, IReadOnlyCollection<string> paths)
    {
        var violations = new List<FieldViolation>();
        void Check(string field, string? error)
        {
            if (error is not null)
            {
                violations.Add(new FieldViolation("cohort." + field, error));
            }
        }

        foreach (var path in paths)
        {
            switch (path)
            {
                case "title":
                    cohort.Title = input.Title.Trim();
                    Check(path, cohort.Title.Length is 0 or > 200 ? "is required and at most 200 characters" : null);
                    break;
                case "start_date":
                    cohort.StartDate = ParseDate(input.StartDate, out var startError);
                    Check(path, startError);
                    break;
                case "end_date":
                    cohort.EndDate = ParseDate(input.EndDate, out var endError);
                    Check(path, endError);
                    break;
                case "target_size":
                    cohort.TargetSize = input.TargetSize;
                    Check(path, input.TargetSize is < 0 or > 1_000_000 ? "must be between 0 (not set) and 1,000,000" : null);
                    break;
                case "default_channel":
                    (cohort.DefaultChannel, var channelError) = ParticipantFields.Word(input.DefaultChannel, "channel", 32);
                    Check(path, channelError);
                    break;
                case "default_locale":
                    (cohort.DefaultLocale, var localeError) = ParticipantFields.Locale(input.DefaultLocale);
                    Check(path, localeError);
                    break;
                case "state":
                    cohort.State = Lifecycles.StateOf(input.State) ?? cohort.State;
                    Check(path, Lifecycles.StateOf(input.State) is null ? "must be PLANNING, RECRUITING, RUNNING or CLOSED" : null);
                    break;
            }
        }

        if (cohort.StartDate is { } start && cohort.EndDate is { } end && end < start)
        {
            violations.Add(new FieldViolation("cohort.end_date", "is before the start date"));
        }

        return violations;
    }

    private static DateOnly? ParseDate(string text, out string? error)
    {
        error = null;
        if (text.Trim().Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), CohortMapping.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        error = $"'{text}' is not a date as YYYY-MM-DD";
        return null;
    }

    /// <summary>Cohort id → status → participants, for the given cohorts.</summary>
    private async Task<Dictionary<string, Dictionary<string, int>>> StatusCountsAsync(IReadOnlyCollection<string> cohortIds, CancellationToken cancellationToken)
    {
        var rows = await db.Participants.Where(p => cohortIds.Contains(p.CohortId))
            .GroupBy(p => new { p.CohortId, p.Status })
            .Select(g => new { g.Key.CohortId, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.CohortId).ToDictionary(g => g.Key, g => g.ToDictionary(r => r.Status, r => r.Count));
    }

    private static IReadOnlyDictionary<string, int> CountsOf(Dictionary<string, Dictionary<string, int>> counts, string cohortId) =>
        counts.TryGetValue(cohortId, out var found) ? found : new Dictionary<string, int>();

    internal static string CohortName(string slug) => "cohorts/" + slug;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();
}
