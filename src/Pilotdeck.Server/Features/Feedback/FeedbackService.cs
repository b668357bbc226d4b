using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Feedback;

/// <summary>
/// pilotdeck.feedback.v1 (docs/feedback.md): submit, list and summarise feedback. Every query runs
/// in the caller's tenant, so another tenant's participant or cohort is as unknown as a missing one.
/// </summary>
public sealed class FeedbackService(
    PilotdeckDbContext db, IdempotentCreates idempotent, Pager pager, ChangeReceipts receipts, PolicyGate policy, FeedbackSummaries summaries, FeedbackAggregates aggregates, SentimentAlerts alerts,
    TimeProvider time)
    : Contracts.Feedback.V1.FeedbackService.FeedbackServiceBase
{
    private const int MaxItems = 20;
    private static readonly DateTimeOffset EarliestGiven = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string NameOf(string feedbackId) => "feedback/" + feedbackId;

    public override async Task<SubmitFeedbackResponse> SubmitFeedback(SubmitFeedbackRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(request.ParticipantId))
        {
            violations.Add(new("participant_id", "is required"));
        }

        if (request.Rating is < 1 or > 5)
        {
            violations.Add(new("rating", "must be 1 to 5"));
        }

        var sentiment = ParseSentiment(request.Sentiment);
        if (sentiment is null)
        {
            violations.Add(new("sentiment", $"must be one of {string.Join(", ", FeedbackSummaries.Sentiments)}"));
        }

        var givenOn = GivenOn(request.GivenTime, violations);
        var highlights = CheckItems(request.Highlights, "highlights", violations);
        var blockers = CheckItems(request.Blockers, "blockers", violations);
        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        var participant = CohortLookup.EnsureNotErased(await db.Participants.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.ParticipantId.Trim(), context.CancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.ParticipantNotFound, "Participant", request.ParticipantId));
        var slug = await db.Cohorts.Where(c => c.Id == participant.CohortId).Select(c => c.Slug).SingleAsync(context.CancellationToken);

        var submitted = await idempotent.RunAsync(context.Method, request.RequestId, request, SubmitFeedbackResponse.Parser, () => receipts.RecordAsync(context.Method, r => NameOf(r.Feedback.FeedbackId), async () =>
        {
            var now = time.GetUtcNow();
            var feedback = new FeedbackRecord
            {
                Id = OrderedIds.New(now),
                ParticipantId = participant.Id,
                CohortId = participant.CohortId,
                Rating = request.Rating,
                Sentiment = sentiment!,
                SubmittedBy = receipts.Actor,
                CreatedAt = now,
                CreatedOn = givenOn ?? DateOnly.FromDateTime(now.UtcDateTime),
            };
            db.Feedback.Add(feedback);
            var items = highlights.Select(text => Item(feedback, FeedbackItemRecord.Highlight, text))
                .Concat(blockers.Select(text => Item(feedback, FeedbackItemRecord.Blocker, text))).ToList();
            db.FeedbackItems.AddRange(items);
            await aggregates.SaveNewAsync([feedback], items, context.CancellationToken);
            return new SubmitFeedbackResponse { Feedback = ToContract(feedback, slug, items) };
        }, context.CancellationToken), context.CancellationToken,
        authorize: () => policy.AuthorizeAsync(GovernedActions.FeedbackSubmit, "participants/" + participant.Id, new Dictionary<string, object?>
        {
            ["rating"] = (long)request.Rating,
            ["sentiment"] = sentiment,
            ["highlights"] = (long)highlights.Count,
            ["blockers"] = (long)blockers.Count,
        }, request, context));

        // After the feedback is committed: an alert never holds up or undoes a submission.
        await alerts.EvaluateAsync(participant.CohortId, context.CancellationToken);
        return submitted;
    }

    /// <summary>The UTC day of given_time (the day the trend counts it on), or null for "now"; not in the future (5 minutes of clock skew allowed).</summary>
    private DateOnly? GivenOn(Timestamp? given, List<FieldViolation> violations)
    {
        if (given is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var at = given.ToDateTimeOffset();
        if (at > now.AddMinutes(5) || at < EarliestGiven)
        {
            violations.Add(new("given_time", "must not be in the future, nor before 2000-01-01"));
            return null;
        }

        return DateOnly.FromDateTime(at.UtcDateTime);
    }

    public override async Task<GetFeedbackReportResponse> GetFeedbackReport(GetFeedbackReportRequest request, ServerCallContext context)
    {
        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken);
        if (request.Date.Length == 0)
        {
            return new GetFeedbackReportResponse { Cohort = cohort.Slug, Summary = await summaries.SummarizeAsync(cohort.Id, cohort.Slug, context.CancellationToken) };
        }

        if (!DateOnly.TryParseExact(request.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("date", "must be YYYY-MM-DD, or empty for the live report"));
        }

        var stored = await db.FeedbackReports.AsNoTracking().SingleOrDefaultAsync(r => r.CohortId == cohort.Id && r.Day == day, context.CancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.FeedbackReportNotFound, "Feedback report", $"{cohort.Slug} {request.Date}");
        return new GetFeedbackReportResponse { Cohort = cohort.Slug, Date = request.Date, Summary = GetFeedbackSummaryResponse.Parser.ParseJson(stored.SummaryJson) };
    }

    public override async Task<ListFeedbackReportsResponse> ListFeedbackReports(ListFeedbackReportsRequest request, ServerCallContext context)
    {
        var cohort = await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken);
        var page = pager.Read(request.PageSize, request.PageToken, $"cohort={cohort.Id}");
        var query = db.FeedbackReports.AsNoTracking().Where(r => r.CohortId == cohort.Id);
        if (page.After is { } after)
        {
            var afterDay = DateOnly.ParseExact(after, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            query = query.Where(r => r.Day < afterDay);
        }

        var rows = await query.OrderByDescending(r => r.Day).Select(r => new { r.Day, r.Total, r.AverageRating, r.CreatedAt }).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (reports, next) = pager.Page(page, rows, r => r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var response = new ListFeedbackReportsResponse { NextPageToken = next };
        response.Reports.AddRange(reports.Select(r => new FeedbackReportEntry
        {
            Cohort = cohort.Slug,
            Date = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Total = r.Total,
            AverageRating = r.AverageRating,
            CreateTime = Timestamp.FromDateTimeOffset(r.CreatedAt),
        }));
        return response;
    }

    public override async Task<ListSentimentAlertsResponse> ListSentimentAlerts(ListSentimentAlertsRequest request, ServerCallContext context)
    {
        var cohortId = request.Cohort.Length == 0 ? null : (await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken)).Id;
        var page = pager.Read(request.PageSize, request.PageToken, $"cohort={cohortId}");
        var query = db.SentimentAlerts.AsNoTracking().Where(a => cohortId == null || a.CohortId == cohortId);
        if (page.After is { } after)
        {
            var afterId = long.Parse(after, CultureInfo.InvariantCulture);
            query = query.Where(a => a.Id < afterId);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (alertRows, next) = pager.Page(page, rows, a => a.Id.ToString(CultureInfo.InvariantCulture));
        var cohortIds = alertRows.Select(a => a.CohortId).Distinct().ToList();
        var slugs = await db.Cohorts.Where(c => cohortIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Slug, context.CancellationToken);
        var response = new ListSentimentAlertsResponse { NextPageToken = next };
        response.Alerts.AddRange(alertRows.Select(a => new SentimentAlert
        {
            Cohort = slugs[a.CohortId],
            Sequence = a.Sequence,
            Kind = a.Kind,
            Negative = a.Negative,
            Total = a.Total,
            NegativeShare = a.NegativeShare,
            WindowDays = a.WindowDays,
            MessageId = a.MessageId ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(a.CreatedAt),
        }));
        return response;
    }

    public override async Task<ListFeedbackResponse> ListFeedback(ListFeedbackRequest request, ServerCallContext context)
    {
        var sentiment = request.Sentiment.Length == 0 ? null
            : ParseSentiment(request.Sentiment) ?? throw ApiErrors.InvalidArgument(new FieldViolation("sentiment", $"must be one of {string.Join(", ", FeedbackSummaries.Sentiments)}"));
        var cohortId = request.Cohort.Length == 0 ? null : (await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken)).Id;
        var page = pager.Read(request.PageSize, request.PageToken, $"cohort={cohortId};participant={request.ParticipantId};sentiment={sentiment}");
        var query = db.Feedback.AsNoTracking()
            .Where(f => cohortId == null || f.CohortId == cohortId)
            .Where(f => request.ParticipantId.Length == 0 || f.ParticipantId == request.ParticipantId)
            .Where(f => sentiment == null || f.Sentiment == sentiment);
        // Ids are UUID v7: descending id order is newest first.
        if (page.After is { } after)
        {
            query = query.Where(f => string.Compare(f.Id, after) < 0);
        }

        var rows = await query.OrderByDescending(f => f.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (feedback, next) = pager.Page(page, rows, f => f.Id);
        var ids = feedback.Select(f => f.Id).ToList();
        var items = (await db.FeedbackItems.AsNoTracking().Where(i => ids.Contains(i.FeedbackId)).OrderBy(i => i.Id).ToListAsync(context.CancellationToken)).ToLookup(i => i.FeedbackId);
        var cohortIds = feedback.Select(f => f.CohortId).Distinct().ToList();
        var slugs = await db.Cohorts.Where(c => cohortIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Slug, context.CancellationToken);
        var response = new ListFeedbackResponse { NextPageToken = next };
        response.Feedback.AddRange(feedback.Select(f => ToContract(f, slugs[f.CohortId], [.. items[f.Id]])));
        return response;
    }

    public override async Task<GetFeedbackSummaryResponse> GetFeedbackSummary(GetFeedbackSummaryRequest request, ServerCallContext context)
    {
        var cohort = request.Cohort.Length == 0 ? null : await CohortLookup.FindAsync(db, request.Cohort, "cohort", tracked: false, context.CancellationToken);
        return await summaries.SummarizeAsync(cohort?.Id, cohort?.Slug ?? "", context.CancellationToken);
    }

    private static string? ParseSentiment(string text) =>
        FeedbackSummaries.Sentiments.FirstOrDefault(s => string.Equals(s, text.Trim(), StringComparison.OrdinalIgnoreCase));

    private static List<string> CheckItems(IReadOnlyList<string> items, string field, List<FieldViolation> violations)
    {
        if (items.Count > MaxItems)
        {
            violations.Add(new(field, $"at most {MaxItems}"));
        }

        for (var i = 0; i < items.Count; i++)
        {
            var text = items[i].Trim();
            if (text.Length == 0 || BlockerGrouping.Key(text).Length == 0)
            {
                violations.Add(new($"{field}[{i}]", "must have letters or digits"));
            }
            else if (text.Length > FeedbackItemRecord.MaxTextLength)
            {
                violations.Add(new($"{field}[{i}]", $"must be at most {FeedbackItemRecord.MaxTextLength} characters"));
            }
        }

        return [.. items.Select(t => t.Trim())];
    }

    private static FeedbackItemRecord Item(FeedbackRecord feedback, string kind, string text) => new()
    {
        FeedbackId = feedback.Id,
        CohortId = feedback.CohortId,
        ParticipantId = feedback.ParticipantId,
        Kind = kind,
        Text = text,
        GroupKey = BlockerGrouping.Key(text),
    };

    internal static Contracts.Feedback.V1.Feedback ToContract(FeedbackRecord f, string cohortSlug, IReadOnlyList<FeedbackItemRecord> items)
    {
        var contract = new Contracts.Feedback.V1.Feedback
        {
            FeedbackId = f.Id,
            ParticipantId = f.ParticipantId,
            Cohort = cohortSlug,
            Rating = f.Rating,
            Sentiment = f.Sentiment,
            SubmittedBy = f.SubmittedBy,
            CreateTime = Timestamp.FromDateTimeOffset(f.CreatedAt),
            GivenDate = f.CreatedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        contract.Highlights.AddRange(items.Where(i => i.Kind == FeedbackItemRecord.Highlight).Select(i => i.Text));
        contract.Blockers.AddRange(items.Where(i => i.Kind == FeedbackItemRecord.Blocker).Select(i => i.Text));
        return contract;
    }
}
