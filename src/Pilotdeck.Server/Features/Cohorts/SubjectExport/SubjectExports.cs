using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Sessions;
using Pilotdeck.Server.Features.Backlog;
using Pilotdeck.Server.Features.Feedback;
using Pilotdeck.Server.Features.Notifications;
using Pilotdeck.Server.Features.Receipts;
using Pilotdeck.Server.Features.Sessions;
using Pilotdeck.Server.Platform.Blobs;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Transparency.Bundles;

namespace Pilotdeck.Server.Features.Cohorts.SubjectExport;

/// <summary>
/// Builds a data-subject export (docs/data-subject-export.md): everything the tenant holds about one
/// participant, one zip entry per section in a fixed order, the attachments' files byte for byte,
/// and manifest.json last. The zip goes to a temporary file, not memory: recordings can be large.
/// An attachment whose file is missing or changed fails the whole export (DATA_LOSS): an export
/// that silently leaves something out would not be what the person asked for.
/// </summary>
public sealed class SubjectExports(PilotdeckDbContext db, IBlobStore blobs, ChangeReceipts receipts, TimeProvider time)
{
    public static string NameOf(string exportId) => "subject-exports/" + exportId;

    public async Task<SubjectExportArchive> BuildAsync(ParticipantRecord participant, string cohortSlug, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var manifest = new SubjectExportManifest
        {
            Export = NameOf(OrderedIds.New(now)),
            ParticipantId = participant.Id,
            ExportedAt = now,
            ExportedBy = receipts.Actor,
        };
        var file = SubjectExportZip.CreateTemporaryFile();
        try
        {
            byte[] manifestBytes;
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
            {
                var writer = new SubjectExportZip(zip, now);
                await WriteSectionsAsync(writer, participant, cohortSlug, manifest, cancellationToken);
                manifest.Files = writer.Files;
                manifest.ExportSha256 = SubjectExportManifest.DigestOf(writer.Files);
                manifestBytes = manifest.ToJsonBytes();
                writer.Unlisted(SubjectExportManifest.FileName, manifestBytes);
            }

            var archive = new SubjectExportArchive(manifest.Export, file, manifestBytes);
            await archive.SealAsync(cancellationToken);
            return archive;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private async Task WriteSectionsAsync(SubjectExportZip writer, ParticipantRecord participant, string cohortSlug, SubjectExportManifest manifest, CancellationToken cancellationToken)
    {
        var id = participant.Id;
        writer.Text("README.txt", Readme(manifest));
        writer.Json("profile.json", CohortMapping.ToContract(participant, cohortSlug));
        writer.JsonList("status-history.json", await CohortLookup.StatusHistoryAsync(db, participant, cancellationToken));

        var notes = await db.ParticipantNotes.AsNoTracking().Where(n => n.ParticipantId == id).OrderBy(n => n.Id).ToListAsync(cancellationToken);
        writer.JsonList("outreach-notes.json", notes.Where(n => n.Kind != ParticipantNoteRecord.NudgeKind).Select(CohortMapping.ToContract));
        writer.JsonList("followups/nudges.json", notes.Where(n => n.Kind == ParticipantNoteRecord.NudgeKind).Select(CohortMapping.ToContract));
        var source = ParticipantChanges.NameOf(id);
        writer.JsonList("followups/messages.json", (await db.OutboxMessages.AsNoTracking().Where(m => m.Source == source)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(cancellationToken)).Select(NotificationMapping.ToContract));

        var sessions = await db.Sessions.AsNoTracking().Where(s => s.ParticipantId == id).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        writer.JsonList("sessions.json", sessions.Select(SessionMapping.ToContract));
        var attachments = await db.Attachments.AsNoTracking().Where(a => a.ParticipantId == id).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        writer.JsonList("attachments.json", attachments.Select(SessionMapping.ToContract));
        foreach (var attachment in attachments)
        {
            await CopyAttachmentAsync(writer, attachment, cancellationToken);
        }

        var feedback = await db.Feedback.AsNoTracking().Where(f => f.ParticipantId == id).OrderBy(f => f.Id).ToListAsync(cancellationToken);
        var items = (await db.FeedbackItems.AsNoTracking().Where(i => i.ParticipantId == id).OrderBy(i => i.Id).ToListAsync(cancellationToken)).ToLookup(i => i.FeedbackId);
        writer.JsonList("feedback.json", feedback.Select(f => FeedbackService.ToContract(f, cohortSlug, [.. items[f.Id]])));
        writer.JsonList("backlog-links.json", await BacklogLinksAsync(participant, feedback, cancellationToken));

        var subjects = new List<string> { source };
        subjects.AddRange(sessions.Select(SessionMapping.NameOf));
        subjects.AddRange(attachments.Select(SessionMapping.NameOf));
        subjects.AddRange(feedback.Select(f => FeedbackService.NameOf(f.Id)));
        var named = await db.Receipts.AsNoTracking().Where(r => subjects.Contains(r.Subject))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        writer.JsonList("receipts.json", named.Select(ReceiptQueries.ToContract));
        foreach (var receipt in named)
        {
            writer.Text($"receipts/{receipt.Id}.txt", Encoding.UTF8.GetString(ReceiptText.Canonical(receipt)));
        }
    }

    /// <summary>
    /// The backlog items that name the participant or their feedback, each showing only this
    /// participant's own links: other people's ids are theirs, not this person's data.
    /// </summary>
    private async Task<IReadOnlyList<IMessage>> BacklogLinksAsync(ParticipantRecord participant, IReadOnlyList<FeedbackRecord> feedback, CancellationToken cancellationToken)
    {
        var own = feedback.Select(f => f.Id).Append(participant.Id).ToList();
        var itemIds = await db.BacklogLinks.AsNoTracking().Where(l => own.Contains(l.TargetId)).Select(l => l.ItemId).Distinct().ToListAsync(cancellationToken);
        var items = await db.BacklogItems.AsNoTracking().Where(i => itemIds.Contains(i.Id)).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        var contracts = await BacklogMapping.ToContractAsync(db, items, cancellationToken);
        foreach (var item in contracts)
        {
            var participants = item.ParticipantIds.Where(own.Contains).ToList();
            var feedbackIds = item.FeedbackIds.Where(own.Contains).ToList();
            item.ParticipantIds.Clear();
            item.ParticipantIds.AddRange(participants);
            item.FeedbackIds.Clear();
            item.FeedbackIds.AddRange(feedbackIds);
        }

        return contracts;
    }

    private async Task CopyAttachmentAsync(SubjectExportZip writer, AttachmentRecord attachment, CancellationToken cancellationToken)
    {
        Stream content;
        try
        {
            content = await blobs.OpenReadAsync(attachment.BlobKey, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Incomplete(attachment, "is missing");
        }

        await using (content)
        {
            var (size, sha256) = await writer.CopyAsync($"attachments/{attachment.Id}/{attachment.FileName}", attachment.ContentType, content, cancellationToken);
            if (size != attachment.SizeBytes || sha256 != attachment.Sha256)
            {
                throw Incomplete(attachment, "no longer matches its SHA-256");
            }
        }
    }

    private static RpcException Incomplete(AttachmentRecord attachment, string problem) =>
        ApiErrors.Create(StatusCode.DataLoss, ErrorReason.SubjectExportIncomplete,
            $"The stored file of attachment {attachment.Id} {problem}; nothing was exported, so the export is never partial.",
            new Dictionary<string, string> { ["attachment_id"] = attachment.Id });

    private static string Readme(SubjectExportManifest manifest) => $"""
        Everything Pilotdeck holds about participant {manifest.ParticipantId}
        Export {manifest.Export}, made {manifest.ExportedAt:yyyy-MM-dd'T'HH:mm:ss'Z'} by {manifest.ExportedBy}.

        profile.json              the participant as stored: contact, locale, status, tags, consent
        status-history.json       every status they took, who set it and when
        outreach-notes.json       notes the team wrote about reaching them
        followups/nudges.json     follow-up nudges the daily job recorded
        followups/messages.json   messages queued for or about them (nudges, "fixed" messages)
        sessions.json             UAT sessions: date as typed, scores, summary, follow-up
        attachments.json          files kept for them; each file is in attachments/<id>/<name>
        feedback.json             their feedback: rating, sentiment, highlights, blockers
        backlog-links.json        backlog items linked to them or their feedback
        receipts.json             the receipts naming them, their sessions, attachments, feedback;
        receipts/<id>.txt         each receipt's canonical text (ids and hashes, no personal data)
        manifest.json             every other file with its size and SHA-256, and the export's digest

        Check it: `pilotdeck data-subject-export` verifies it after the download; by hand, compare
        `sha256sum` of each file with manifest.json (docs/data-subject-export.md).

        """;
}
