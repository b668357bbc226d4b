using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Blobs;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Sessions;

/// <summary>The real host with a 256 KiB attachment limit, so the limit shows with small files.</summary>
public abstract class SessionsHostFixture : HostFixture
{
    public const long MaxUploadBytes = 256 * 1024;

    protected override IEnumerable<string> ExtraArgs => [$"--Pilotdeck:Attachments:MaxUploadBytes={MaxUploadBytes}"];
}

public sealed class SqliteSessionsHostFixture : SessionsHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresSessionsHostFixture : SessionsHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>Clients, callers, participants, uploads and looks at the disk and the database, for the session tests.</summary>
internal sealed class SessionsTestSupport(HostFixture host)
{
    public const string VttTranscript = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nFacilitator: how did the first command go?\n";

    public PolicyTestSupport Policy { get; } = new(host);

    public SessionsService.SessionsServiceClient Sessions => new(host.CreateChannel());

    public CohortsService.CohortsServiceClient Cohorts => new(host.CreateChannel());

    /// <summary>A signed-in owner of <paramref name="tenant"/>, a new cohort and one participant in it.</summary>
    public async Task<(Metadata Caller, string Cohort, string ParticipantId)> ParticipantAsync(TenantUnderTest tenant)
    {
        var caller = await Policy.OwnerAsync(tenant);
        var slug = "s-" + Guid.NewGuid().ToString("N")[..10];
        await Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "UAT" } }, caller);
        return (caller, slug, await AddParticipantAsync(caller, slug));
    }

    public async Task<string> AddParticipantAsync(Metadata caller, string cohort) =>
        (await Cohorts.CreateParticipantAsync(new CreateParticipantRequest
        {
            Cohort = cohort, Participant = new Participant { Email = $"p-{Guid.NewGuid():N}@example.com" },
        }, caller)).Participant.ParticipantId;

    public async Task<Session> CreateAsync(Metadata caller, string participantId, string date = "2025-11-10T13:00:00+08:00", int satisfaction = 4, int trust = 3, string requestId = "") =>
        (await Sessions.CreateSessionAsync(new CreateSessionRequest
        {
            RequestId = requestId,
            Session = new Session { ParticipantId = participantId, SessionDate = date, Satisfaction = satisfaction, Trust = trust, Summary = "Lin found the import slow", FollowUp = "send the fix" },
        }, caller)).Session;

    public static UploadAttachmentMetadata Metadata(string participantId, string contentType = "text/vtt", string fileName = "session-1.vtt", string sessionId = "", string requestId = "") =>
        new() { ParticipantId = participantId, ContentType = contentType, FileName = fileName, SessionId = sessionId, RequestId = requestId };

    /// <summary>Streams <paramref name="content"/> in chunks; a refusal arrives as the call's status, even while chunks are still being sent.</summary>
    public async Task<Attachment> UploadAsync(Metadata caller, UploadAttachmentMetadata metadata, byte[] content, int chunkSize = 16 * 1024)
    {
        using var call = Sessions.UploadAttachment(caller);
        try
        {
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Metadata = metadata });
            for (var offset = 0; offset < content.Length; offset += chunkSize)
            {
                await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(content, offset, Math.Min(chunkSize, content.Length - offset)) });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException)
        {
            // The server ended the call early; its status is in the response.
        }

        return (await call.ResponseAsync).Attachment;
    }

    public async Task<(Attachment Attachment, byte[] Content)> DownloadAsync(Metadata caller, string attachmentId)
    {
        using var call = Sessions.DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = attachmentId }, caller);
        Attachment? attachment = null;
        using var content = new MemoryStream();
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            if (message.PayloadCase == DownloadAttachmentResponse.PayloadOneofCase.Attachment)
            {
                attachment = message.Attachment;
            }
            else
            {
                content.Write(message.Chunk.Span);
            }
        }

        return (attachment!, content.ToArray());
    }

    /// <summary>Every file (blobs and partial writes) the blob store holds for a participant.</summary>
    public string[] FilesOf(string tenantId, string participantId)
    {
        var directory = Path.Combine(((FileSystemBlobStore)host.Services.GetRequiredService<IBlobStore>()).Root, tenantId, participantId);
        return Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
    }

    public async Task<T> InDatabaseAsync<T>(string tenantId, Func<PilotdeckDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateTenantScope(tenantId);
        return await query(scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>());
    }

    public Task<int> AttachmentRowsAsync(string tenantId, string participantId) =>
        InDatabaseAsync(tenantId, db => db.Attachments.CountAsync(a => a.ParticipantId == participantId));
}
