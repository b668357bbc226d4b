using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Tests.Features.Sessions;

/// <summary>
/// Attachments on the real host, per provider: uploaded in chunks, stored under the participant,
/// hashed, downloaded byte for byte; refused when too large or not what they claim to be, with no
/// file and no row left behind, also when the client gives up halfway; invisible to other tenants.
/// </summary>
public abstract class AttachmentsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : SessionsHostFixture
{
    private readonly TFixture _host;
    private readonly SessionsTestSupport _support;

    protected AttachmentsApiTests(TFixture host)
    {
        _host = host;
        _support = new SessionsTestSupport(host);
    }

    [Fact]
    public async Task UploadAttachment_StoresUnderTheParticipant_WithItsSha256_AndDownloadsTheSameBytes()
    {
        var (caller, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var session = await _support.CreateAsync(caller, participantId);
        var transcript = Encoding.UTF8.GetBytes(SessionsTestSupport.VttTranscript + string.Concat(Enumerable.Repeat("Participant: it was fine, mostly.\n", 2000)));
        var requestId = Guid.NewGuid().ToString();
        var metadata = SessionsTestSupport.Metadata(participantId, "text/vtt", @"C:\Users\lin\session-1.vtt", session.SessionId, requestId);

        var stored = await _support.UploadAsync(caller, metadata, transcript, chunkSize: 7000);
        var retried = await _support.UploadAsync(caller, metadata, transcript, chunkSize: 50_000);

        Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(transcript)), (long)transcript.Length, "session-1.vtt", "text/vtt"), (stored.Sha256, stored.SizeBytes, stored.FileName, stored.ContentType));
        Assert.Equal((session.SessionId, "user:" + _host.Acme.OwnerUserId), (stored.SessionId, stored.UploadedBy));
        Assert.Equal(stored.AttachmentId, retried.AttachmentId);
        Assert.Single(_support.FilesOf(_host.Acme.TenantId, participantId));
        var (downloaded, content) = await _support.DownloadAsync(caller, stored.AttachmentId);
        Assert.Equal(stored, downloaded);
        Assert.Equal(transcript, content);

        var screenshot = await _support.UploadAsync(caller, SessionsTestSupport.Metadata(participantId, "image/png", "screen.png"), Png(3000));
        var listed = (await _support.Sessions.ListAttachmentsAsync(new ListAttachmentsRequest { ParticipantId = participantId }, caller)).Attachments;
        Assert.Equal([screenshot.AttachmentId, stored.AttachmentId], listed.Select(a => a.AttachmentId));
        var ofSession = (await _support.Sessions.ListAttachmentsAsync(new ListAttachmentsRequest { ParticipantId = participantId, SessionId = session.SessionId }, caller)).Attachments;
        Assert.Equal([stored.AttachmentId], ofSession.Select(a => a.AttachmentId));
        var receipts = await _support.InDatabaseAsync(_host.Acme.TenantId, db => db.Receipts.Where(r => r.Subject.StartsWith("attachments/")).Select(r => r.Subject).ToListAsync());
        Assert.Contains("attachments/" + stored.AttachmentId, receipts);
        Assert.Contains("attachments/" + screenshot.AttachmentId, receipts);
    }

    [Fact]
    public async Task UploadAttachment_OverTheLimit_IsRefusedAtOnce_AndLeavesNoFileAndNoRow()
    {
        var (caller, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var recording = Mp4((int)SessionsHostFixture.MaxUploadBytes + 1);

        var error = await Assert.ThrowsAsync<RpcException>(() => _support.UploadAsync(caller, SessionsTestSupport.Metadata(participantId, "video/mp4", "session.mp4"), recording));

        Assert.Equal((StatusCode.ResourceExhausted, "UPLOAD_TOO_LARGE"), (error.StatusCode, ApiErrors.ReasonOf(error)));
        Assert.Equal(SessionsHostFixture.MaxUploadBytes.ToString(), ApiErrors.MetadataOf(error)["max_upload_bytes"]);
        Assert.Empty(_support.FilesOf(_host.Acme.TenantId, participantId));
        Assert.Equal(0, await _support.AttachmentRowsAsync(_host.Acme.TenantId, participantId));
        var fits = await _support.UploadAsync(caller, SessionsTestSupport.Metadata(participantId, "video/mp4", "session.mp4"), Mp4((int)SessionsHostFixture.MaxUploadBytes));
        Assert.Equal(SessionsHostFixture.MaxUploadBytes, fits.SizeBytes);
    }

    [Fact]
    public async Task UploadAttachment_ContentNotOfTheDeclaredType_OrATypeNotAccepted_IsRefused_AndNothingIsStored()
    {
        var (caller, _, participantId) = await _support.ParticipantAsync(_host.Acme);

        var mismatch = await Assert.ThrowsAsync<RpcException>(() => _support.UploadAsync(caller,
            SessionsTestSupport.Metadata(participantId, "video/mp4", "session.mp4"), Encoding.UTF8.GetBytes("just a transcript, not a video")));
        var binary = await Assert.ThrowsAsync<RpcException>(() => _support.UploadAsync(caller,
            SessionsTestSupport.Metadata(participantId, "text/plain", "notes.txt"), Png(100)));
        var unsupported = await Assert.ThrowsAsync<RpcException>(() => _support.UploadAsync(caller,
            SessionsTestSupport.Metadata(participantId, "application/zip", "all.zip"), [0x50, 0x4B, 0x03, 0x04]));

        Assert.Equal((StatusCode.InvalidArgument, "ATTACHMENT_TYPE_MISMATCH"), (mismatch.StatusCode, ApiErrors.ReasonOf(mismatch)));
        Assert.Equal(("video/mp4", "text/plain"), (ApiErrors.MetadataOf(mismatch)["declared_type"], ApiErrors.MetadataOf(mismatch)["detected_type"]));
        Assert.Equal("image/png", ApiErrors.MetadataOf(binary)["detected_type"]);
        Assert.Equal((StatusCode.InvalidArgument, "ATTACHMENT_TYPE_UNSUPPORTED"), (unsupported.StatusCode, ApiErrors.ReasonOf(unsupported)));
        Assert.Contains("video/webm", ApiErrors.MetadataOf(unsupported)["accepted_types"], StringComparison.Ordinal);
        Assert.Contains(mismatch.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations, v => v.Field == "metadata.content_type");
        Assert.Empty(_support.FilesOf(_host.Acme.TenantId, participantId));
        Assert.Equal(0, await _support.AttachmentRowsAsync(_host.Acme.TenantId, participantId));
    }

    [Fact]
    public async Task UploadAttachment_AbandonedHalfway_LeavesNoFileAndNoRow()
    {
        var (caller, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        using var abandon = new CancellationTokenSource();
        using var call = _support.Sessions.UploadAttachment(caller, cancellationToken: abandon.Token);
        await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Metadata = SessionsTestSupport.Metadata(participantId, "video/mp4", "session.mp4") });
        var recording = Mp4(96 * 1024);
        for (var offset = 0; offset < recording.Length; offset += 32 * 1024)
        {
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(recording, offset, 32 * 1024) });
        }

        // The bytes are on their way to disk before the client goes.
        await WaitUntilAsync(() => _support.FilesOf(_host.Acme.TenantId, participantId).Length == 1);
        Assert.EndsWith(".partial", Assert.Single(_support.FilesOf(_host.Acme.TenantId, participantId)), StringComparison.Ordinal);
        abandon.Cancel();

        await WaitUntilAsync(() => _support.FilesOf(_host.Acme.TenantId, participantId).Length == 0);
        Assert.Equal(0, await _support.AttachmentRowsAsync(_host.Acme.TenantId, participantId));
    }

    [Fact]
    public async Task AnotherTenantsParticipantsAndAttachments_AreAsUnknownAsOnesThatNeverExisted()
    {
        var (acme, _, participantId) = await _support.ParticipantAsync(_host.Acme);
        var stored = await _support.UploadAsync(acme, SessionsTestSupport.Metadata(participantId), Encoding.UTF8.GetBytes(SessionsTestSupport.VttTranscript));
        var demo = await _support.Policy.OwnerAsync(_host.Demo);

        var download = await Assert.ThrowsAsync<RpcException>(() => _support.DownloadAsync(demo, stored.AttachmentId));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _support.DownloadAsync(demo, Guid.NewGuid().ToString()));
        Assert.Equal((StatusCode.NotFound, "ATTACHMENT_NOT_FOUND"), (download.StatusCode, ApiErrors.ReasonOf(download)));
        Assert.Equal(ApiErrors.ReasonOf(unknown), ApiErrors.ReasonOf(download));
        var list = await Assert.ThrowsAsync<RpcException>(() => _support.Sessions.ListAttachmentsAsync(new ListAttachmentsRequest { ParticipantId = participantId }, demo).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PARTICIPANT_NOT_FOUND"), (list.StatusCode, ApiErrors.ReasonOf(list)));
        var upload = await Assert.ThrowsAsync<RpcException>(() => _support.UploadAsync(demo, SessionsTestSupport.Metadata(participantId), Encoding.UTF8.GetBytes(SessionsTestSupport.VttTranscript)));
        Assert.Equal("PARTICIPANT_NOT_FOUND", ApiErrors.ReasonOf(upload));
        Assert.Empty(_support.FilesOf(_host.Demo.TenantId, participantId));
        Assert.Single(_support.FilesOf(_host.Acme.TenantId, participantId));
    }

    /// <summary>A PNG signature followed by filler: enough for a sniffer, which reads the first bytes only.</summary>
    private static byte[] Png(int length) => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[length - 8]];

    /// <summary>An ISO base media file type box ("ftyp", brand isom) followed by filler.</summary>
    private static byte[] Mp4(int length) => [0, 0, 0, 0x18, .. "ftypisom"u8, .. new byte[length - 12]];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = TimeSpan.Zero; !condition(); waited += TimeSpan.FromMilliseconds(50))
        {
            Assert.True(waited < TimeSpan.FromSeconds(15), "the condition did not become true within 15 s");
            await Task.Delay(50);
        }
    }
}

public sealed class SqliteAttachmentsApiTests(SqliteSessionsHostFixture host) : AttachmentsApiTests<SqliteSessionsHostFixture>(host);

public sealed class PostgresAttachmentsApiTests(PostgresSessionsHostFixture host) : AttachmentsApiTests<PostgresSessionsHostFixture>(host);
