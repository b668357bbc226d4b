using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Feedback;

/// <summary>
/// Feedback on the real host, per provider: the runbook's JSON form and gRPC, validation with field
/// violations, tenants that never see each other's participants, the summary a BI tool loads (trend,
/// ratings, near-duplicate blockers grouped), paging and receipts.
/// </summary>
public abstract class FeedbackApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private readonly TFixture _host;
    private readonly PolicyTestSupport _support;

    protected FeedbackApiTests(TFixture host)
    {
        _host = host;
        _support = new PolicyTestSupport(host);
    }

    private FeedbackService.FeedbackServiceClient Feedback => new(_host.CreateChannel());

    private CohortsService.CohortsServiceClient Cohorts => new(_host.CreateChannel());

    private async Task<(Metadata Caller, string Slug, List<string> Participants)> CohortAsync(TenantUnderTest tenant, int participants)
    {
        var caller = await _support.OwnerAsync(tenant);
        var slug = "fb-" + Guid.NewGuid().ToString("N")[..8];
        await Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Feedback", DefaultChannel = "wechat", DefaultLocale = "zh-CN" } }, caller);
        var ids = new List<string>();
        for (var i = 0; i < participants; i++)
        {
            ids.Add((await Cohorts.CreateParticipantAsync(new CreateParticipantRequest { Cohort = slug, Participant = new Participant { Alias = $"p{i}" } }, caller)).Participant.ParticipantId);
        }

        return (caller, slug, ids);
    }

    private Task<SubmitFeedbackResponse> SubmitAsync(Metadata caller, string participant, int rating, string sentiment, string[]? blockers = null, string[]? highlights = null)
    {
        var request = new SubmitFeedbackRequest { ParticipantId = participant, Rating = rating, Sentiment = sentiment };
        request.Blockers.AddRange(blockers ?? []);
        request.Highlights.AddRange(highlights ?? []);
        return Feedback.SubmitFeedbackAsync(request, caller).ResponseAsync;
    }

    [Fact]
    public async Task JsonForm_AsTheRunbookWritesIt_RecordsFeedback_WithAReceiptAndNoPersonalData()
    {
        var (caller, slug, participants) = await CohortAsync(_host.Acme, 1);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));

        using var response = await http.PostAsJsonAsync(new Uri(_host.RestAddress, "/api/feedback/pilot"), new Dictionary<string, object>
        {
            ["participant_id"] = participants[0],
            ["rating"] = 4,
            ["sentiment"] = "positive",
            ["highlights"] = new[] { "Setup took five minutes" },
            ["blockers"] = new[] { "CSV export times out" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var feedback = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("feedback");
        Assert.Equal((slug, 4, "positive"), (feedback.GetProperty("cohort").GetString(), feedback.GetProperty("rating").GetInt32(), feedback.GetProperty("sentiment").GetString()));
        var listed = await Feedback.ListFeedbackAsync(new ListFeedbackRequest { ParticipantId = participants[0] }, caller);
        Assert.Equal(["CSV export times out"], listed.Feedback.Single().Blockers);
        await using var scope = _host.Services.CreateTenantScope("acme");
        var receipt = await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Receipts.SingleAsync(r => r.Subject == "feedback/" + listed.Feedback.Single().FeedbackId);
        Assert.Equal("/pilotdeck.feedback.v1.FeedbackService/SubmitFeedback", receipt.Action);
        Assert.NotNull(receipt.DecisionId);
    }

    [Fact]
    public async Task Submit_BadValues_AreInvalidArgument_WithEveryFieldNamed_AndNothingIsStored()
    {
        var (caller, _, participants) = await CohortAsync(_host.Acme, 1);

        var zero = await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(caller, participants[0], 0, "ecstatic", blockers: ["   ", new string('x', 1001)]));
        var six = await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(caller, participants[0], 6, "negative"));

        Assert.Equal(StatusCode.InvalidArgument, zero.StatusCode);
        Assert.Equal(["blockers[0]", "blockers[1]", "rating", "sentiment"], Violations(zero).Order());
        Assert.Equal(["rating"], Violations(six));
        Assert.Empty((await Feedback.ListFeedbackAsync(new ListFeedbackRequest { ParticipantId = participants[0] }, caller)).Feedback);
    }

    [Fact]
    public async Task Submit_ForAnotherTenantsParticipant_IsNotFound_LikeAnUnknownOne()
    {
        var (_, _, demoParticipants) = await CohortAsync(_host.Demo, 1);
        var acme = await _support.OwnerAsync(_host.Acme);

        var other = await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(acme, demoParticipants[0], 3, "neutral"));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(acme, Guid.NewGuid().ToString(), 3, "neutral"));

        Assert.Equal((StatusCode.NotFound, "PARTICIPANT_NOT_FOUND"), (other.StatusCode, ApiErrors.ReasonOf(other)));
        Assert.Equal((unknown.StatusCode, ApiErrors.ReasonOf(unknown)), (other.StatusCode, ApiErrors.ReasonOf(other)));
    }

    [Fact]
    public async Task GivenTime_CountsOnThatDayInTheTrend_AndTheFutureIsRefused()
    {
        var (caller, slug, p) = await CohortAsync(_host.Acme, 1);
        var given = new SubmitFeedbackRequest
        {
            ParticipantId = p[0], Rating = 2, Sentiment = "negative", GivenTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 3, 4, 23, 30, 0, TimeSpan.Zero)),
        };
        var submitted = await Feedback.SubmitFeedbackAsync(given, caller);
        given.GivenTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1));
        var future = await Assert.ThrowsAsync<RpcException>(() => Feedback.SubmitFeedbackAsync(given, caller).ResponseAsync);

        Assert.Equal(["given_time"], Violations(future));
        var summary = await Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = slug }, caller);
        var day = Assert.Single(summary.Daily);
        Assert.Equal(("2025-03-04", 1), (day.Period, day.Negative));
        Assert.Equal("2025-W10", Assert.Single(summary.Weekly).Period);
        Assert.Equal("2025-03-04", submitted.Feedback.GivenDate);
        var listed = await Feedback.ListFeedbackAsync(new ListFeedbackRequest { Cohort = slug }, caller);
        Assert.Equal("2025-03-04", Assert.Single(listed.Feedback).GivenDate);
    }

    [Fact]
    public async Task Summary_CountsTrendAndRatings_AndGroupsNearDuplicateBlockers()
    {
        var (caller, slug, p) = await CohortAsync(_host.Acme, 4);
        await SubmitAsync(caller, p[0], 5, "positive", highlights: ["fast setup"]);
        await SubmitAsync(caller, p[1], 2, "negative", blockers: ["Export to CSV fails!", "Login button is missing"]);
        await SubmitAsync(caller, p[2], 1, "negative", blockers: ["csv export fails", "Import fails"]);
        await SubmitAsync(caller, p[3], 3, "neutral", blockers: ["CSV exporrt fails"]);
        await SubmitAsync(caller, p[1], 2, "negative", blockers: ["CSV export fails"]);
        var otherCohort = await CohortAsync(_host.Acme, 1);
        await SubmitAsync(otherCohort.Caller, otherCohort.Participants[0], 1, "negative", blockers: ["CSV export fails"]);

        var summary = await Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = slug }, caller);

        Assert.Equal((5, 2.6), (summary.Total, summary.AverageRating));
        Assert.Equal([1, 2, 1, 0, 1], summary.RatingDistribution.Select(r => r.Count));
        var today = Assert.Single(summary.Daily);
        Assert.Equal((1, 1, 3, 5, 0.6), (today.Positive, today.Neutral, today.Negative, today.Total, today.NegativeShare));
        Assert.Single(summary.Weekly);
        var csv = summary.Blockers[0];
        Assert.Equal((4, 3), (csv.Count, csv.Participants));
        Assert.Contains("CSV exporrt fails", csv.Variants);
        Assert.Equal([1, 1], summary.Blockers.Skip(1).Select(b => b.Count));
        Assert.DoesNotContain(summary.Blockers, b => b.Text == "Import fails" && b.Variants.Count > 0);

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword));
        var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(_host.RestAddress, $"/api/feedback/pilot/summary?cohort={slug}"))).RootElement;
        Assert.Equal(5, json.GetProperty("total").GetInt32());
        Assert.Equal(4, json.GetProperty("blockers")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task List_PagesNewestFirst_AndFiltersBySentiment()
    {
        var (caller, slug, p) = await CohortAsync(_host.Acme, 1);
        foreach (var (rating, sentiment) in new[] { (5, "positive"), (1, "negative"), (4, "positive"), (2, "Negative") })
        {
            await SubmitAsync(caller, p[0], rating, sentiment);
        }

        var first = await Feedback.ListFeedbackAsync(new ListFeedbackRequest { Cohort = slug, PageSize = 3 }, caller);
        var second = await Feedback.ListFeedbackAsync(new ListFeedbackRequest { Cohort = slug, PageSize = 3, PageToken = first.NextPageToken }, caller);
        var negative = await Feedback.ListFeedbackAsync(new ListFeedbackRequest { Cohort = slug, Sentiment = "negative" }, caller);

        Assert.Equal([2, 4, 1, 5], first.Feedback.Concat(second.Feedback).Select(f => f.Rating));
        Assert.Empty(second.NextPageToken);
        Assert.Equal([2, 1], negative.Feedback.Select(f => f.Rating));
    }

    [Fact]
    public async Task SentimentAlert_RaisesOnceAtTheThreshold_AndClearsOnlyBelowTheLowerOne()
    {
        var (caller, slug, p) = await CohortAsync(_host.Acme, 1);
        async Task<List<string>> After(params string[] sentiments)
        {
            foreach (var sentiment in sentiments)
            {
                await SubmitAsync(caller, p[0], sentiment == "negative" ? 1 : 5, sentiment);
            }

            var alerts = await Feedback.ListSentimentAlertsAsync(new ListSentimentAlertsRequest { Cohort = slug }, caller);
            return [.. alerts.Alerts.Select(a => $"{a.Kind} {a.Negative}/{a.Total}")];
        }

        Assert.Empty(await After("positive", "positive", "positive", "negative"));
        Assert.Equal(["raised 2/5"], await After("negative"));
        Assert.Equal(["raised 2/5"], await After("negative", "positive", "positive", "positive", "positive", "positive"));
        Assert.Equal(["recovered 3/13", "raised 2/5"], await After("positive", "positive"));

        await using var scope = _host.Services.CreateTenantScope("acme");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var messages = await db.OutboxMessages.Where(m => m.Source == "cohorts/" + slug).OrderBy(m => m.CreatedAt).Select(m => m.Subject).ToListAsync();
        Assert.Equal([$"Negative feedback in {slug} is at 40%", $"Negative feedback in {slug} is back to 23%"], messages);
        Assert.Equal(2, await db.Receipts.CountAsync(r => r.Subject == "cohorts/" + slug && r.Action == "feedback.sentiment-alert"));
    }

    [Fact]
    public async Task DailyReport_StoresEachRunningCohortsSummaryOncePerDay_AndAnnouncesIt()
    {
        var (caller, slug, p) = await CohortAsync(_host.Acme, 2);
        await Cohorts.UpdateCohortAsync(new UpdateCohortRequest { Cohort = new Cohort { Slug = slug, State = CohortState.Recruiting }, UpdateMask = new() { Paths = { "state" } } }, caller);
        await SubmitAsync(caller, p[0], 4, "positive");
        await SubmitAsync(caller, p[1], 2, "negative", blockers: ["Export fails"]);

        await RunDailyReportsAsync();
        await SubmitAsync(caller, p[1], 1, "negative");
        await RunDailyReportsAsync();

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var reports = await Feedback.ListFeedbackReportsAsync(new ListFeedbackReportsRequest { Cohort = slug }, caller);
        Assert.Equal([(today, 2)], reports.Reports.Select(r => (r.Date, r.Total)));
        var stored = await Feedback.GetFeedbackReportAsync(new GetFeedbackReportRequest { Cohort = slug, Date = today }, caller);
        var live = await Feedback.GetFeedbackReportAsync(new GetFeedbackReportRequest { Cohort = slug }, caller);
        Assert.Equal((2, "Export fails", 3), (stored.Summary.Total, stored.Summary.Blockers.Single().Text, live.Summary.Total));
        var missing = await Assert.ThrowsAsync<RpcException>(() => Feedback.GetFeedbackReportAsync(new GetFeedbackReportRequest { Cohort = slug, Date = "2020-01-01" }, caller).ResponseAsync);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => Feedback.GetFeedbackReportAsync(new GetFeedbackReportRequest { Cohort = slug, Date = "10/11/2025" }, caller).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "FEEDBACK_REPORT_NOT_FOUND"), (missing.StatusCode, ApiErrors.ReasonOf(missing)));
        Assert.Equal(["date"], Violations(malformed));

        await using var scope = _host.Services.CreateTenantScope("acme");
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var message = await db.OutboxMessages.SingleAsync(m => m.DedupeKey == $"feedback-report:{slug}:{today}");
        Assert.Contains($"/cohorts/{slug}/feedback/reports/{today} ", message.Body);
        Assert.Single(await db.Receipts.Where(r => r.Subject == $"cohorts/{slug}/reports/{today}").ToListAsync(), r => r.Actor == "system:feedback-daily-report");
    }

    private async Task RunDailyReportsAsync()
    {
        await using var scope = _host.Services.CreateTenantScope("acme");
        await scope.ServiceProvider.GetRequiredService<Server.Features.Feedback.FeedbackReports>().RunAsync(CancellationToken.None);
    }

    private static List<string> Violations(RpcException ex) =>
        [.. ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field)];
}

public sealed class SqliteFeedbackApiTests(SqliteHostFixture host) : FeedbackApiTests<SqliteHostFixture>(host);

public sealed class PostgresFeedbackApiTests(PostgresHostFixture host) : FeedbackApiTests<PostgresHostFixture>(host);
