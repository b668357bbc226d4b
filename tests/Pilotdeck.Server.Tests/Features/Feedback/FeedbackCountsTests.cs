using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.Server.Tests.Features.Retention;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Features.Feedback;

/// <summary>
/// The counts a summary reads (docs/adr/0022-feedback-summary-aggregates.md) against a count from
/// scratch of the same feedback, per provider, after every kind of change: submits (wordings that sort
/// differently by case, one key twice in a submit, a typo merged by similarity), retention, erasure, and
/// submits racing into one cohort. The summary from the kept counts must equal the summary from the
/// recount, field by field.
/// </summary>
public abstract class FeedbackCountsTests<TFixture> : IClassFixture<TFixture>
    where TFixture : RetentionHostFixture
{
    private readonly TFixture _host;
    private readonly RetentionTestSupport _support;

    protected FeedbackCountsTests(TFixture host)
    {
        _host = host;
        _support = new RetentionTestSupport(host);
    }

    [Fact]
    public async Task Counts_AfterSubmitRetentionAndErasure_EqualACountFromScratch()
    {
        var (caller, slug, cohortId, p) = await CohortAsync(4);
        await SubmitAsync(caller, p[0], 2, "negative", ["csv export fails", "CSV export fails!"]);
        await SubmitAsync(caller, p[1], 1, "negative", ["A csv export fails", "Login is slow"], daysAgo: 3);
        await SubmitAsync(caller, p[2], 4, "positive", ["CSV exporrt fails", "Dark mode missing"], daysAgo: 9);
        await SubmitAsync(caller, p[3], 3, "neutral", ["login is SLOW"]);
        await SubmitAsync(caller, p[0], 5, "positive", ["Login is slow", "csv export fails"]);
        var submitted = await AssertKeptAsync(caller, slug, cohortId);
        Assert.Equal((5, 3, 3), (submitted.Total, submitted.Daily.Count, submitted.Blockers[0].Participants));

        // Retention takes p1's blockers, among them the wording every collation sorts first.
        await _support.AgeAsync(new HeldData(_host.Acme.TenantId, p[1], cohortId, caller), days: 400);
        await _support.Retention.RunRetentionAsync(new RunRetentionRequest(), caller);
        var retained = await AssertKeptAsync(caller, slug, cohortId);
        Assert.DoesNotContain(retained.Blockers, b => b.Text == "A csv export fails" || b.Variants.Contains("A csv export fails"));

        await EraseAsync(caller, p[0]);
        var erased = await AssertKeptAsync(caller, slug, cohortId);
        Assert.Equal((5, 1), (erased.Total, erased.Blockers.Single(b => b.Text.StartsWith("login", StringComparison.OrdinalIgnoreCase)).Participants));
    }

    [Fact]
    public async Task Counts_SubmitsRacingIntoOneCohort_AreEachCountedOnce()
    {
        var (caller, slug, cohortId, p) = await CohortAsync(6);

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            SubmitAsync(caller, p[i % p.Count], 1 + (i % 5), i % 2 == 0 ? "negative" : "positive", [$"Race {i % 3} fails", "Everyone's blocker"])));

        var summary = await AssertKeptAsync(caller, slug, cohortId);
        Assert.Equal((12, 12, 6), (summary.Total, summary.Blockers[0].Count, summary.Blockers[0].Participants));
    }

    /// <summary>Asserts the kept counts equal a count from scratch, and so do the summaries made from each; returns the summary.</summary>
    private async Task<GetFeedbackSummaryResponse> AssertKeptAsync(Metadata caller, string slug, string cohortId)
    {
        var tenantId = _host.Acme.TenantId;
        Assert.Equal(await _support.Sessions.InDatabaseAsync(tenantId, db => FeedbackRecount.FromScratchAsync(db, cohortId)),
            await _support.Sessions.InDatabaseAsync(tenantId, db => FeedbackRecount.StoredAsync(db, cohortId)));

        var kept = await _support.Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = slug }, caller);
        await _support.Sessions.InDatabaseAsync(tenantId, async db =>
        {
            await FeedbackRecount.RebuildAsync(db, cohortId);
            return 0;
        });
        var recounted = await _support.Feedback.GetFeedbackSummaryAsync(new GetFeedbackSummaryRequest { Cohort = slug }, caller);
        kept.GenerateTime = recounted.GenerateTime = null;
        Assert.Equal(recounted.ToString(), kept.ToString());
        return kept;
    }

    private async Task<(Metadata Caller, string Slug, string CohortId, List<string> Participants)> CohortAsync(int participants)
    {
        var (caller, slug, first) = await _support.Sessions.ParticipantAsync(_host.Acme);
        var ids = new List<string> { first };
        for (var i = 1; i < participants; i++)
        {
            ids.Add(await _support.Sessions.AddParticipantAsync(caller, slug));
        }

        var cohortId = await _support.Sessions.InDatabaseAsync(_host.Acme.TenantId, db => db.Cohorts.Where(c => c.Slug == slug).Select(c => c.Id).SingleAsync());
        return (caller, slug, cohortId, ids);
    }

    private async Task SubmitAsync(Metadata caller, string participant, int rating, string sentiment, string[] blockers, int daysAgo = 0)
    {
        var request = new SubmitFeedbackRequest { ParticipantId = participant, Rating = rating, Sentiment = sentiment, Blockers = { blockers }, Highlights = { "Quick setup" } };
        if (daysAgo > 0)
        {
            request.GivenTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-daysAgo));
        }

        await _support.Feedback.SubmitFeedbackAsync(request, caller);
    }

    /// <summary>Erases the participant the way an admin does: held for approval by the default policy, approved, repeated.</summary>
    private async Task EraseAsync(Metadata caller, string participantId)
    {
        var request = new EraseParticipantRequest { ParticipantId = participantId };
        var held = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.EraseParticipantAsync(request, caller).ResponseAsync);
        var (admin, _) = await _support.Sessions.Policy.MemberAsync(_host.Acme, TenantRole.Admin);
        var approvalId = ApiErrors.MetadataOf(held)["approval_id"];
        await _support.Sessions.Policy.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId }, admin);
        await _support.Retention.EraseParticipantAsync(request, PolicyTestSupport.WithApproval(caller, approvalId));
    }
}

public sealed class SqliteFeedbackCountsTests(SqliteRetentionHostFixture host) : FeedbackCountsTests<SqliteRetentionHostFixture>(host);

public sealed class PostgresFeedbackCountsTests(PostgresRetentionHostFixture host) : FeedbackCountsTests<PostgresRetentionHostFixture>(host);
