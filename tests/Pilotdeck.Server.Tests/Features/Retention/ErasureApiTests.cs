using System.Text;
using Grpc.Core;
using Pilotdeck.Client.Receipts;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Data.Imports;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.Server.Tests.Features.Receipts;
using Microsoft.EntityFrameworkCore;

namespace Pilotdeck.Server.Tests.Features.Retention;

/// <summary>
/// EraseParticipant on the real host, per provider: held for an admin's approval by the default policy,
/// then every class of the participant's personal data goes in one change, their receipts stay and still
/// verify, they show as erased and refuse further changes; another tenant's participant is NOT_FOUND.
/// </summary>
public abstract class ErasureApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : RetentionHostFixture
{
    private readonly TFixture _host;
    private readonly RetentionTestSupport _support;

    protected ErasureApiTests(TFixture host)
    {
        _host = host;
        _support = new RetentionTestSupport(host);
    }

    [Fact]
    public async Task EraseParticipant_OnceApproved_RemovesEveryClass_KeepsVerifiableReceipts_AndShowsThemErased()
    {
        var held = await _support.ParticipantWithDataAsync(_host.Acme, blocker: "Lin's export at Acme fails", pendingMessage: true);
        var report = await _support.StoreReportAsync(held, daysAgo: 1, "Lin's export at Acme fails");
        var other = await _support.ParticipantWithDataAsync(_host.Acme);
        var request = new EraseParticipantRequest { ParticipantId = held.ParticipantId };

        var held_ = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.EraseParticipantAsync(request, held.Caller).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "APPROVAL_REQUIRED"), (held_.StatusCode, ApiErrors.ReasonOf(held_)));
        Assert.Equal(Remaining.Full, await _support.RemainingAsync(held));
        var (admin, _) = await _support.Sessions.Policy.MemberAsync(_host.Acme, TenantRole.Admin);
        var approvalId = ApiErrors.MetadataOf(held_)["approval_id"];
        await _support.Sessions.Policy.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId }, admin);
        var erased = await _support.Retention.EraseParticipantAsync(request, PolicyTestSupport.WithApproval(held.Caller, approvalId));

        Assert.Equal(
            [("feedback_items", 2L), ("feedback_reports", 1L), ("sessions", 1L), ("attachments", 1L), ("outreach_notes", 1L), ("nudge_notes", 1L), ("messages", 1L), ("import_files", 0L), ("import_rows", 0L), ("participants", 1L)],
            RetentionTestSupport.Counts(erased.Counts));
        Assert.Equal(Remaining.Erased, await _support.RemainingAsync(held));
        Assert.Equal(Remaining.Full, await _support.RemainingAsync(other));
        Assert.Equal(0, await _support.ReportBlockersAsync(held.TenantId, report));
        var message = await _support.Sessions.InDatabaseAsync(held.TenantId, db => db.OutboxMessages.SingleAsync(m => m.Source == "participants/" + held.ParticipantId));
        Assert.Equal((OutboxStates.Dead, ""), (message.State, message.Recipient));
        var shown = await _support.Sessions.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = held.ParticipantId }, held.Caller);
        Assert.Equal(("", "", ""), (shown.Participant.Alias, shown.Participant.Email, shown.Participant.Phone));
        Assert.Equal(erased.EraseTime, shown.Participant.EraseTime);
        Assert.All(shown.Notes, n => Assert.Equal("", n.Text));

        var subject = "participants/" + held.ParticipantId;
        var timeline = await _host.LoggedTimelineAsync(subject, held.Caller);
        var key = (await _host.Receipts.GetLogInfoAsync(new GetLogInfoRequest(), held.Caller)).VerifierKey;
        Assert.Equal(["CreateParticipant", "UpdateParticipant", "EraseParticipant"], timeline.Entries.Select(e => e.Receipt.Action[(e.Receipt.Action.LastIndexOf('/') + 1)..]));
        Assert.All(timeline.Entries, e => Assert.True(ReceiptProof.Verify(e, timeline.SignedCheckpoint, key).Verified));
    }

    [Fact]
    public async Task AnErasedParticipant_RefusesChanges_NewData_AndASecondErasure()
    {
        var held = await _support.ParticipantWithDataAsync(_host.Demo);
        await _support.Sessions.Policy.ApplyAsync(_host.Demo, "description: allow\nrules:\n  - id: all\n    effect: allow\n    reason: tests\n");
        await _support.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = held.ParticipantId }, held.Caller);

        var again = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = held.ParticipantId }, held.Caller).ResponseAsync);
        var update = await Assert.ThrowsAsync<RpcException>(() => _support.Sessions.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = held.ParticipantId, Email = "back@example.com" }, UpdateMask = new() { Paths = { "email" } },
        }, held.Caller).ResponseAsync);
        var feedback = await Assert.ThrowsAsync<RpcException>(() => _support.Feedback.SubmitFeedbackAsync(new SubmitFeedbackRequest
        {
            ParticipantId = held.ParticipantId, Rating = 3, Sentiment = "neutral",
        }, held.Caller).ResponseAsync);
        var session = await Assert.ThrowsAsync<RpcException>(() => _support.Sessions.CreateAsync(held.Caller, held.ParticipantId));

        foreach (var refused in new[] { again, update, feedback, session })
        {
            Assert.Equal((StatusCode.FailedPrecondition, "PARTICIPANT_ERASED"), (refused.StatusCode, ApiErrors.ReasonOf(refused)));
            Assert.True(ApiErrors.MetadataOf(refused).ContainsKey("erase_time"));
        }

        Assert.Equal(Remaining.Erased, await _support.RemainingAsync(held));
        Assert.DoesNotContain(held.ParticipantId, await ExportedRosterAsync(held));
    }

    [Fact]
    public async Task EraseParticipant_ImportedFromAFile_TakesThatFileAndTheirRowKey_AndLeavesTheOthersRows()
    {
        var caller = await _support.Sessions.Policy.OwnerAsync(_host.Demo);
        await _support.Sessions.Policy.ApplyAsync(_host.Demo, "description: allow\nrules:\n  - id: all\n    effect: allow\n    reason: tests\n");
        var slug = await _support.CohortAsync(caller);
        var import = await _support.ImportRosterAsync(caller, slug, dryRun: false, "Lin,lin@example.com", "Jun,jun@example.com");
        var roster = (await _support.Sessions.Cohorts.ListParticipantsAsync(new ListParticipantsRequest { Cohort = slug }, caller)).Participants;
        var lin = roster.Single(p => p.Email == "lin@example.com").ParticipantId;

        var erased = await _support.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = lin }, caller);

        Assert.Equal([("import_files", 1L), ("import_rows", 1L)], RetentionTestSupport.Counts(erased.Counts.Where(c => c.DataClass == DataClass.ImportFiles)));
        var (chunks, keys) = await _support.Sessions.InDatabaseAsync(_host.Demo.TenantId, async db => (
            await db.ImportChunks.CountAsync(c => c.ImportId == import.ImportId),
            (await db.ImportRows.Where(r => r.ImportId == import.ImportId).OrderBy(r => r.RowNumber).ToListAsync()).SelectMany(r => r.Expand()).Select(r => r.Key).ToList()));
        Assert.Equal(0, chunks);
        Assert.Equal(["", slug + "/email:jun@example.com"], keys);
    }

    [Fact]
    public async Task EraseParticipant_OfAnotherTenant_IsNotFound_LikeAnUnknownOne_AndAMissingIdIsAFieldViolation()
    {
        var acme = await _support.ParticipantWithDataAsync(_host.Acme);
        var demo = await _support.Sessions.Policy.OwnerAsync(_host.Demo);

        var crossing = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = acme.ParticipantId }, demo).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = Guid.NewGuid().ToString() }, demo).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.EraseParticipantAsync(new EraseParticipantRequest(), demo).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "PARTICIPANT_NOT_FOUND"), (crossing.StatusCode, ApiErrors.ReasonOf(crossing)));
        Assert.Equal((crossing.StatusCode, ApiErrors.ReasonOf(crossing)), (unknown.StatusCode, ApiErrors.ReasonOf(unknown)));
        Assert.Equal((StatusCode.InvalidArgument, "participant_id"), (missing.StatusCode, ApiErrors.MetadataOf(missing)["fields"]));
        Assert.Equal(Remaining.Full, await _support.RemainingAsync(acme));
        var viewer = (await _support.Sessions.Policy.MemberAsync(_host.Acme, TenantRole.Facilitator)).Caller;
        var denied = await Assert.ThrowsAsync<RpcException>(() => _support.Retention.EraseParticipantAsync(new EraseParticipantRequest { ParticipantId = acme.ParticipantId }, viewer).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    // The cohort's roster as a CRM receives it.
    private async Task<string> ExportedRosterAsync(HeldData held)
    {
        var cohort = (await _support.Sessions.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = held.ParticipantId }, held.Caller)).Participant.Cohort;
        var csv = new StringBuilder();
        using var call = _support.Sessions.Cohorts.ExportParticipants(new ExportParticipantsRequest { Cohort = cohort }, held.Caller);
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            csv.Append(chunk.CsvChunk.ToStringUtf8());
        }

        Assert.StartsWith("participant_id,", csv.ToString());
        return csv.ToString();
    }
}

public sealed class SqliteErasureApiTests(SqliteRetentionHostFixture host) : ErasureApiTests<SqliteRetentionHostFixture>(host);

public sealed class PostgresErasureApiTests(PostgresRetentionHostFixture host) : ErasureApiTests<PostgresRetentionHostFixture>(host);
