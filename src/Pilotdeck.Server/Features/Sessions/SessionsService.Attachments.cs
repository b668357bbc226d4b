using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Sessions;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Features.Sessions;

/// <summary>pilotdeck.sessions.v1's attachment methods.</summary>
public sealed partial class SessionsService
{
    private const int MaxFileNameLength = 255;
    private const int DownloadChunkSize = 256 * 1024;

    public override async Task<UploadAttachmentResponse> UploadAttachment(IAsyncStreamReader<UploadAttachmentRequest> requestStream, ServerCallContext context)
    {
        UploadCalls.LiftBodySizeLimit(context);

        var cancellationToken = context.CancellationToken;
        var options = attachmentOptions.Value;
        using var messages = new UploadMessages<UploadAttachmentRequest>(requestStream, options.UploadIdleTimeout, cancellationToken);
        if (!await messages.MoveNextAsync() || messages.Current.PayloadCase != UploadAttachmentRequest.PayloadOneofCase.Metadata)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("metadata", "the first message must carry metadata"));
        }

        // Checked before the bytes arrive, so a bad request fails before megabytes are sent.
        var metadata = messages.Current.Metadata;
        var (fileName, contentType) = CheckMetadata(metadata);
        var participant = CohortLookup.EnsureNotErased(await CohortLookup.FindParticipantAsync(db, metadata.ParticipantId, "metadata.participant_id", tracked: false, cancellationToken));
        string? sessionId = null;
        if (metadata.SessionId.Trim().Length > 0)
        {
            var session = await FindSessionAsync(metadata.SessionId, "metadata.session_id", cancellationToken);
            if (session.ParticipantId != participant.Id)
            {
                throw ApiErrors.InvalidArgument(new FieldViolation("metadata.session_id", "is a session of another participant"));
            }

            sessionId = session.Id;
        }

        var tenantId = tenant.TenantId ?? throw new InvalidOperationException("An upload needs a bound tenant.");
        var blob = await blobs.PutAsync($"{tenantId}/{participant.Id}", new AttachmentContent(messages, contentType, options.MaxUploadBytes), cancellationToken);
        var now = Now();
        var attachment = new AttachmentRecord
        {
            Id = OrderedIds.New(now), ParticipantId = participant.Id, SessionId = sessionId, FileName = fileName, ContentType = contentType,
            SizeBytes = blob.SizeBytes, Sha256 = blob.Sha256, BlobKey = blob.Key, UploadedBy = receipts.Actor, CreatedAt = now,
        };
        try
        {
            var response = await idempotent.RunAsync(context.Method, metadata.RequestId, RequestHash(metadata, blob.Sha256), UploadAttachmentResponse.Parser,
                () => receipts.RecordAsync(context.Method, r => "attachments/" + r.Attachment.AttachmentId, async () =>
                {
                    db.Attachments.Add(attachment);
                    await db.SaveChangesAsync(cancellationToken);
                    return new UploadAttachmentResponse { Attachment = SessionMapping.ToContract(attachment) };
                }, cancellationToken), cancellationToken,
                authorize: () => policy.AuthorizeAsync(GovernedActions.AttachmentUpload, ParticipantChanges.NameOf(participant.Id), new Dictionary<string, object?>
                {
                    ["content_type"] = contentType,
                    ["size_bytes"] = blob.SizeBytes,
                    ["has_session"] = sessionId is not null,
                }, metadata, context));
            if (response.Attachment.AttachmentId != attachment.Id)
            {
                // A retry of an upload already stored: the first one's blob serves it.
                await blobs.DeleteAsync(blob.Key, CancellationToken.None);
            }

            return response;
        }
        catch
        {
            // Refused by the policy, or the row did not commit: the blob must not outlive it.
            await blobs.DeleteAsync(blob.Key, CancellationToken.None);
            throw;
        }
    }

    public override async Task<ListAttachmentsResponse> ListAttachments(ListAttachmentsRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var participant = await CohortLookup.FindParticipantAsync(db, request.ParticipantId, "participant_id", tracked: false, cancellationToken);
        var sessionId = request.SessionId.Trim();
        var page = pager.Read(request.PageSize, request.PageToken, $"participant={participant.Id}|session={sessionId}");
        var query = db.Attachments.AsNoTracking().Where(a => a.ParticipantId == participant.Id);
        if (sessionId.Length > 0)
        {
            query = query.Where(a => a.SessionId == sessionId);
        }

        // Ids are UUID v7: descending id order is newest first.
        if (page.After is { } after)
        {
            query = query.Where(a => string.Compare(a.Id, after) < 0);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(page.FetchCount).ToListAsync(cancellationToken);
        var (items, next) = pager.Page(page, rows, a => a.Id);
        var response = new ListAttachmentsResponse { NextPageToken = next };
        response.Attachments.AddRange(items.Select(SessionMapping.ToContract));
        return response;
    }

    public override async Task DownloadAttachment(DownloadAttachmentRequest request, IServerStreamWriter<DownloadAttachmentResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (string.IsNullOrWhiteSpace(request.AttachmentId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("attachment_id", "is required"));
        }

        var attachment = await db.Attachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == request.AttachmentId.Trim(), cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.AttachmentNotFound, "Attachment", request.AttachmentId);
        await using var content = await blobs.OpenReadAsync(attachment.BlobKey, cancellationToken);
        await responseStream.WriteAsync(new DownloadAttachmentResponse { Attachment = SessionMapping.ToContract(attachment) }, cancellationToken);
        var buffer = new byte[DownloadChunkSize];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await responseStream.WriteAsync(new DownloadAttachmentResponse { Chunk = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken);
        }
    }

    private static (string FileName, string ContentType) CheckMetadata(UploadAttachmentMetadata metadata)
    {
        var violations = new List<FieldViolation>();
        if (metadata.RequestId.Length > 100)
        {
            violations.Add(new("metadata.request_id", "must be at most 100 characters"));
        }

        if (metadata.ParticipantId.Trim().Length == 0)
        {
            violations.Add(new("metadata.participant_id", "is required"));
        }

        // Only the name: a path from the client's disk says nothing the team needs and may say more than it should.
        var fileName = Path.GetFileName(metadata.FileName.Replace('\\', '/')).Trim();
        if (fileName.Length is 0 or > MaxFileNameLength || fileName is "." or ".." || fileName.Any(char.IsControl))
        {
            violations.Add(new("metadata.file_name", $"is required: a file name of at most {MaxFileNameLength} characters, without control characters"));
        }

        var contentType = ContentSniffer.Canonical(metadata.ContentType);
        if (contentType.Length == 0)
        {
            violations.Add(new("metadata.content_type", "is required, e.g. " + string.Join(", ", ContentSniffer.Accepted)));
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        if (!ContentSniffer.Accepted.Contains(contentType))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.AttachmentTypeUnsupported,
                $"Attachments of type {contentType} are not accepted; accepted: {string.Join(", ", ContentSniffer.Accepted)}.",
                new Dictionary<string, string> { ["accepted_types"] = string.Join(",", ContentSniffer.Accepted) },
                [new FieldViolation("metadata.content_type", "is not an accepted type")]);
        }

        return (fileName, contentType);
    }

    /// <summary>Identifies an upload for idempotency: its metadata and the content's hash, however it was chunked.</summary>
    private static byte[] RequestHash(UploadAttachmentMetadata metadata, string sha256) =>
        SHA256.HashData([.. metadata.ToByteArray(), .. Convert.FromHexString(sha256)]);
}
