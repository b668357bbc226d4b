using System.CommandLine;
using System.Security.Cryptography;
using Grpc.Core;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Client;
using Pilotdeck.Client.Sessions;
using Pilotdeck.Contracts.Sessions.V1;

namespace Pilotdeck.Cli.Sessions;

/// <summary>
/// <c>pilotdeck uat-sessions attach | attachments | download</c>: files kept for a participant,
/// streamed up in 1 MiB chunks and down again with their SHA-256 checked.
/// </summary>
internal static class AttachmentCommands
{
    private static readonly Column<Attachment>[] AttachmentColumns =
    [
        new("attachment_id", a => a.AttachmentId),
        new("participant_id", a => a.ParticipantId),
        new("session_id", a => a.SessionId),
        new("file_name", a => a.FileName),
        new("content_type", a => a.ContentType),
        new("size_bytes", a => a.SizeBytes),
        new("sha256", a => a.Sha256, Wide: true),
        new("uploaded_by", a => a.UploadedBy, Wide: true),
        new("create_time", a => a.CreateTime?.ToDateTimeOffset()),
    ];

    public static Command Attach(ApiContext api)
    {
        var file = new Argument<FileInfo>("file") { Description = "The transcript, recording, document or image to upload." };
        var participant = UatSessionsCommand.ParticipantOption(required: true);
        var session = new Option<string?>("--session") { Description = "One of the participant's sessions it belongs to." };
        var contentType = new Option<string?>("--content-type") { Description = "Its media type; by default from the file's extension (.txt .vtt .srt .pdf .png .jpg .mp4 .webm .mov)." };
        var approval = ApprovalHeader.CreateOption();
        var output = Renderer.CreateOption();
        var command = new Command("attach", "Upload a file for a participant (and optionally one of their sessions).") { file, participant, session, contentType, approval, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException(ExitCodes.Usage, $"{path.FullName} does not exist.");
            }

            var type = parse.GetValue(contentType) ?? AttachmentTypes.FromFileName(path.Name)
                ?? throw new CliException(ExitCodes.Usage, $"cannot tell the type of '{path.Name}' from its extension.", "Pass --content-type, e.g. --content-type video/mp4.");
            await using var content = path.OpenRead();
            var metadata = new UploadAttachmentMetadata
            {
                RequestId = Guid.NewGuid().ToString(), ParticipantId = parse.GetValue(participant)!, SessionId = parse.GetValue(session) ?? "", FileName = path.Name, ContentType = type,
            };
            var stored = await client.Sessions.UploadAttachmentAsync(metadata, content, ApprovalHeader.Of(parse, approval), cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), stored, AttachmentColumns);
            parse.InvocationConfiguration.Error.WriteLine($"Stored {stored.FileName} ({stored.SizeBytes} bytes, sha256 {stored.Sha256}) as {stored.AttachmentId}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Command List(ApiContext api)
    {
        var participant = UatSessionsCommand.ParticipantOption(required: true);
        var session = new Option<string?>("--session") { Description = "Only the attachments of this session." };
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("attachments", "List a participant's attachments, newest first.") { participant, session, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListAttachmentsRequest { ParticipantId = parse.GetValue(participant)!, SessionId = parse.GetValue(session) ?? "" };
            var attachments = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Sessions.ListAttachmentsAsync(request, cancellationToken: token);
                return (page.Attachments.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), attachments, AttachmentColumns, "No attachments.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Command Download(ApiContext api)
    {
        var id = new Argument<string>("attachment-id") { Description = "The attachment's UUID." };
        var target = new Option<string?>("--output", "-o") { Description = "Where to save it. Default: its file name, in the current directory (never overwritten)." };
        var command = new Command("download", "Download an attachment; its SHA-256 is checked before it is saved.") { id, target };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            using var call = client.Sessions.DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = parse.GetValue(id)! }, cancellationToken: token);
            if (!await call.ResponseStream.MoveNext(token) || call.ResponseStream.Current.PayloadCase != DownloadAttachmentResponse.PayloadOneofCase.Attachment)
            {
                throw new CliException(ExitCodes.For(StatusCode.Internal), "the server sent no attachment record first.");
            }

            var attachment = call.ResponseStream.Current.Attachment;
            var path = Path.GetFullPath(parse.GetValue(target) ?? Path.GetFileName(attachment.FileName));
            if (parse.GetValue(target) is null && File.Exists(path))
            {
                throw new CliException(ExitCodes.Usage, $"{path} already exists.", "Choose where to save it with --output FILE.");
            }

            // Written beside the target and moved into place only once the hash matches.
            var partial = path + ".partial";
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var file = File.Create(partial))
                {
                    while (await call.ResponseStream.MoveNext(token))
                    {
                        var chunk = call.ResponseStream.Current.Chunk.Memory;
                        hash.AppendData(chunk.Span);
                        await file.WriteAsync(chunk, token);
                    }
                }

                var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (sha256 != attachment.Sha256)
                {
                    throw new CliException(ExitCodes.For(StatusCode.DataLoss), $"the download's SHA-256 is {sha256}, not {attachment.Sha256}: it was not saved.", "Download it again.");
                }

                File.Move(partial, path, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }

            parse.InvocationConfiguration.Error.WriteLine($"Saved {attachment.FileName} ({attachment.SizeBytes} bytes, sha256 verified) to {path}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
