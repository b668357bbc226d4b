using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Cohorts.Followups;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Sessions;
using Pilotdeck.Transparency.Bundles;

namespace Pilotdeck.Server.Tests.Features.Cohorts;

/// <summary>
/// The data-subject export on the real host, per provider: held for a second admin's approval by
/// default, then one zip with every section about the participant (and nothing about anyone else),
/// files in a fixed order, each matching the manifest's SHA-256, and a receipt of ids and the
/// manifest's hash; refused for an empty or malformed id, another tenant's participant and a
/// missing attachment file, without a receipt.
/// </summary>
public abstract class SubjectExportApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : SessionsHostFixture
{
    private const string Method = "/pilotdeck.cohorts.v1.CohortsService/ExportDataSubject";

    private static readonly string[] Sections =
    [
        "README.txt", "profile.json", "status-history.json", "outreach-notes.json", "followups/nudges.json", "followups/messages.json",
        "sessions.json", "attachments.json",
    ];

    private readonly TFixture _host;
    private readonly SessionsTestSupport _support;

    protected SubjectExportApiTests(TFixture host)
    {
        _host = host;
        _support = new SessionsTestSupport(host);
    }

    [Fact]
    public async Task ExportDataSubject_NeedsASecondAdminsApproval_ThenHoldsEverySection_WithTheManifestsHashes()
    {
        var (owner, slug, participantId) = await _support.ParticipantAsync(_host.Acme);
        var email = (await _support.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = participantId }, owner)).Participant.Email;
        await _support.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
        {
            Participant = new Participant { ParticipantId = participantId, Status = ParticipantStatus.Scheduled },
            UpdateMask = new FieldMask { Paths = { "status" } },
            Note = "booked for Tuesday over WeChat",
        }, owner);
        await NudgeAsync(owner, slug, participantId);
        var session = await _support.CreateAsync(owner, participantId);
        var transcript = Encoding.UTF8.GetBytes(SessionsTestSupport.VttTranscript);
        var attachment = await _support.UploadAsync(owner, SessionsTestSupport.Metadata(participantId, sessionId: session.SessionId), transcript);
        var feedback = (await Feedback.SubmitFeedbackAsync(new SubmitFeedbackRequest
        {
            ParticipantId = participantId, Rating = 2, Sentiment = "negative", Highlights = { "Quick setup" }, Blockers = { "CSV export fails" },
        }, owner)).Feedback;
        var someoneElse = await _support.AddParticipantAsync(owner, slug);
        await Feedback.SubmitFeedbackAsync(new SubmitFeedbackRequest { ParticipantId = someoneElse, Rating = 5, Sentiment = "positive", Highlights = { "Another person's words" }, Blockers = { "CSV export fails" } }, owner);
        // One backlog item links both people's blocker; the export shows it with only this person's links.
        var item = Assert.Single((await new BacklogService.BacklogServiceClient(_host.CreateChannel()).PromoteBlockersAsync(new PromoteBlockersRequest { Cohort = slug }, owner)).Items);

        var held = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(owner, participantId));
        Assert.Equal((StatusCode.FailedPrecondition, "APPROVAL_REQUIRED", "ADMIN"), (held.StatusCode, ApiErrors.ReasonOf(held), ApiErrors.MetadataOf(held)["approver_role"]));
        Assert.Empty(await ExportReceiptsAsync(participantId));
        var export = await ApprovedExportAsync(owner, participantId, ApiErrors.MetadataOf(held)["approval_id"]);

        using var zip = new ZipArchive(new MemoryStream(export.Zip), ZipArchiveMode.Read);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        var receiptFiles = names.Where(n => n.StartsWith("receipts/", StringComparison.Ordinal)).ToList();
        Assert.Equal([.. Sections, $"attachments/{attachment.AttachmentId}/session-1.vtt", "feedback.json", "backlog-links.json", "receipts.json", .. receiptFiles, "manifest.json"], names);

        Assert.Equal(email, Json(zip, "profile.json").GetProperty("email").GetString());
        Assert.Equal(["PARTICIPANT_STATUS_INVITED", "PARTICIPANT_STATUS_SCHEDULED"], Items(zip, "status-history.json").Select(c => c.GetProperty("toStatus").GetString()));
        Assert.Equal("booked for Tuesday over WeChat", Assert.Single(Items(zip, "outreach-notes.json")).GetProperty("text").GetString());
        Assert.Contains("Nudge 1 queued", Assert.Single(Items(zip, "followups/nudges.json")).GetProperty("text").GetString());
        Assert.Equal("participants/" + participantId, Assert.Single(Items(zip, "followups/messages.json")).GetProperty("source").GetString());
        Assert.Equal(("Lin found the import slow", "send the fix", "2025-11-10T13:00:00+08:00"), Single(zip, "sessions.json", s => (s.GetProperty("summary").GetString(), s.GetProperty("followUp").GetString(), s.GetProperty("sessionDate").GetString())));
        Assert.Equal(attachment.Sha256, Single(zip, "attachments.json", a => a.GetProperty("sha256").GetString()));
        Assert.Equal(transcript, Bytes(zip, $"attachments/{attachment.AttachmentId}/session-1.vtt"));
        Assert.Equal(("CSV export fails", feedback.FeedbackId), Single(zip, "feedback.json", f => (f.GetProperty("blockers")[0].GetString(), f.GetProperty("feedbackId").GetString())));
        Assert.Equal((item.ItemId, participantId, feedback.FeedbackId), Single(zip, "backlog-links.json", b =>
            (b.GetProperty("itemId").GetString(), Assert.Single(b.GetProperty("participantIds").EnumerateArray()).GetString(), Assert.Single(b.GetProperty("feedbackIds").EnumerateArray()).GetString())));
        Assert.DoesNotContain(zip.Entries, e => Encoding.UTF8.GetString(Bytes(zip, e.FullName)).Contains("Another person's words", StringComparison.Ordinal));

        var receipts = Items(zip, "receipts.json");
        Assert.Equal(
            new[] { "participants/" + participantId, "sessions/" + session.SessionId, "attachments/" + attachment.AttachmentId, "feedback/" + feedback.FeedbackId }.Order(StringComparer.Ordinal),
            receipts.Select(r => r.GetProperty("subject").GetString()!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(receipts.Select(r => $"receipts/{r.GetProperty("receiptId").GetString()}.txt"), receiptFiles);
        Assert.All(receiptFiles, f => Assert.DoesNotContain(email, Encoding.UTF8.GetString(Bytes(zip, f)), StringComparison.OrdinalIgnoreCase));
        Assert.All(receipts, r => Assert.StartsWith($"pilotdeck-receipt/v1\nid {r.GetProperty("receiptId").GetString()}\n", Encoding.UTF8.GetString(Bytes(zip, $"receipts/{r.GetProperty("receiptId").GetString()}.txt"))));

        // The manifest, checked by hand: every other entry in order with its size and hash, and the export's digest.
        var manifestBytes = Bytes(zip, "manifest.json");
        var manifest = JsonDocument.Parse(manifestBytes).RootElement;
        var listed = manifest.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(names[..^1], listed.Select(f => f.GetProperty("name").GetString()));
        Assert.All(listed, f => Assert.Equal(
            (f.GetProperty("sha256").GetString(), f.GetProperty("size_bytes").GetInt64()),
            (Convert.ToHexStringLower(SHA256.HashData(Bytes(zip, f.GetProperty("name").GetString()!))), (long)Bytes(zip, f.GetProperty("name").GetString()!).Length)));
        var sums = string.Concat(listed.Select(f => $"{f.GetProperty("sha256").GetString()}  {f.GetProperty("name").GetString()}\n"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sums))), manifest.GetProperty("export_sha256").GetString());
        Assert.Equal(participantId, manifest.GetProperty("participant_id").GetString());
        Assert.True(SubjectExportManifest.Verify(new MemoryStream(export.Zip)).Whole);

        Assert.Equal(SHA256.HashData(manifestBytes), export.First.ManifestSha256.ToByteArray());
        Assert.Equal(SHA256.HashData(export.Zip), export.First.ZipSha256.ToByteArray());
        Assert.Equal(export.Zip.Length, export.First.ZipSizeBytes);
        Assert.Equal(manifest.GetProperty("export").GetString(), export.First.ExportName);
        var receipt = Assert.Single(await ExportReceiptsAsync(participantId));
        Assert.Equal(export.First.ExportReceiptId, receipt.Id);
        Assert.Equal(SHA256.HashData(manifestBytes), receipt.ContentSha256);
        Assert.NotNull(receipt.DecisionId);
    }

    [Fact]
    public async Task ExportDataSubject_ApprovalRunsOnce_ASecondExportNeedsItsOwn()
    {
        var (owner, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var held = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(owner, participantId));
        var approvalId = ApiErrors.MetadataOf(held)["approval_id"];
        await ApprovedExportAsync(owner, participantId, approvalId);

        var again = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(PolicyTestSupportWith(owner, approvalId), participantId));

        Assert.Equal("APPROVAL_NOT_PENDING", ApiErrors.ReasonOf(again));
        Assert.Single(await ExportReceiptsAsync(participantId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-a-uuid")]
    [InlineData("0194f3a27c1e7b3d9a553f1c2b4d5e6f")]
    public async Task ExportDataSubject_EmptyOrMalformedId_IsInvalidArgument_OnParticipantId(string id)
    {
        var owner = await _support.Policy.OwnerAsync(_host.Acme);

        var error = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(owner, id));

        Assert.Equal((StatusCode.InvalidArgument, "FIELD_INVALID"), (error.StatusCode, ApiErrors.ReasonOf(error)));
        Assert.Equal("participant_id", Assert.Single(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task ExportDataSubject_AnotherTenantsParticipant_IsNotFound_AndOpensNoApproval()
    {
        var (_, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var demo = await _support.Policy.OwnerAsync(_host.Demo);

        var error = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(demo, participantId));

        Assert.Equal((StatusCode.NotFound, "PARTICIPANT_NOT_FOUND"), (error.StatusCode, ApiErrors.ReasonOf(error)));
        var opened = await _support.InDatabaseAsync(_host.Demo.TenantId, db => db.ApprovalRequests.CountAsync(a => a.Subject == "participants/" + participantId));
        Assert.Equal(0, opened);
    }

    [Fact]
    public async Task ExportDataSubject_AnAttachmentsFileIsGone_IsDataLoss_AndExportsNothing()
    {
        var (owner, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var attachment = await _support.UploadAsync(owner, SessionsTestSupport.Metadata(participantId), Encoding.UTF8.GetBytes(SessionsTestSupport.VttTranscript));
        File.Delete(Assert.Single(_support.FilesOf(_host.Acme.TenantId, participantId)));
        var held = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(owner, participantId));
        var approvalId = ApiErrors.MetadataOf(held)["approval_id"];
        await ApproveAsync(approvalId);

        var error = await Assert.ThrowsAsync<RpcException>(() => ExportAsync(PolicyTestSupportWith(owner, approvalId), participantId));

        Assert.Equal((StatusCode.DataLoss, "SUBJECT_EXPORT_INCOMPLETE", attachment.AttachmentId), (error.StatusCode, ApiErrors.ReasonOf(error), ApiErrors.MetadataOf(error)["attachment_id"]));
        Assert.Empty(await ExportReceiptsAsync(participantId));
    }

    private FeedbackService.FeedbackServiceClient Feedback => new(_host.CreateChannel());

    private static Metadata PolicyTestSupportWith(Metadata caller, string approvalId) => Policy.PolicyTestSupport.WithApproval(caller, approvalId);

    private async Task ApproveAsync(string approvalId)
    {
        var (admin, _) = await _support.Policy.MemberAsync(_host.Acme, TenantRole.Admin);
        await _support.Policy.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId, Comment = "the participant asked by email" }, admin);
    }

    private async Task<(ExportDataSubjectResponse First, byte[] Zip)> ApprovedExportAsync(Metadata requester, string participantId, string approvalId)
    {
        await ApproveAsync(approvalId);
        return await ExportAsync(PolicyTestSupportWith(requester, approvalId), participantId);
    }

    private async Task<(ExportDataSubjectResponse First, byte[] Zip)> ExportAsync(Metadata caller, string participantId)
    {
        using var call = _support.Cohorts.ExportDataSubject(new ExportDataSubjectRequest { ParticipantId = participantId }, caller);
        ExportDataSubjectResponse? first = null;
        using var zip = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            first ??= chunk;
            zip.Write(chunk.Data.Span);
        }

        return (first!, zip.ToArray());
    }

    /// <summary>Makes a nudge due for the participant the way the daily job sees it: a running cohort, invited four days ago.</summary>
    private async Task NudgeAsync(Metadata owner, string slug, string participantId)
    {
        foreach (var state in new[] { CohortState.Recruiting, CohortState.Running })
        {
            await _support.Cohorts.UpdateCohortAsync(new UpdateCohortRequest { Cohort = new Cohort { Slug = slug, State = state }, UpdateMask = new FieldMask { Paths = { "state" } } }, owner);
        }

        await using var scope = _host.Services.CreateTenantScope(_host.Acme.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var then = DateTimeOffset.UtcNow.AddDays(-4);
        await db.Participants.Where(p => p.Id == participantId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, then));
        await db.ParticipantNotes.Where(n => n.ParticipantId == participantId).ExecuteUpdateAsync(s => s.SetProperty(n => n.CreatedAt, then));
        await scope.ServiceProvider.GetRequiredService<FollowupNudges>().RunAsync(CancellationToken.None);
    }

    private Task<List<Data.Receipts.ReceiptRecord>> ExportReceiptsAsync(string participantId) =>
        _support.InDatabaseAsync(_host.Acme.TenantId, db => db.Receipts.AsNoTracking().Where(r => r.Subject == "participants/" + participantId && r.Action == Method).ToListAsync());

    private static byte[] Bytes(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static JsonElement Json(ZipArchive zip, string name) => JsonDocument.Parse(Bytes(zip, name)).RootElement;

    private static List<JsonElement> Items(ZipArchive zip, string name) => [.. Json(zip, name).EnumerateArray()];

    private static T Single<T>(ZipArchive zip, string name, Func<JsonElement, T> pick) => pick(Assert.Single(Items(zip, name)));
}

public sealed class SqliteSubjectExportApiTests(SqliteSessionsHostFixture host) : SubjectExportApiTests<SqliteSessionsHostFixture>(host);

public sealed class PostgresSubjectExportApiTests(PostgresSessionsHostFixture host) : SubjectExportApiTests<PostgresSessionsHostFixture>(host);
