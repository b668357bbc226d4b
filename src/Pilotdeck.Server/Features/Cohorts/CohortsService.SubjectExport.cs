using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Server.Features.Cohorts.SubjectExport;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>pilotdeck.cohorts.v1's data-subject export (docs/data-subject-export.md).</summary>
public sealed partial class CohortsService
{
    private const int ExportChunkSize = 256 * 1024;

    /// <summary>
    /// Builds the whole zip before its receipt and its first byte, so a refused or incomplete export
    /// sends nothing and leaves no receipt; the receipt (ids and the manifest's hash) is committed
    /// before any personal data leaves.
    /// </summary>
    public override async Task ExportDataSubject(ExportDataSubjectRequest request, IServerStreamWriter<ExportDataSubjectResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var id = request.ParticipantId.Trim();
        if (!Guid.TryParseExact(id, "D", out var uuid))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("participant_id",
                id.Length == 0 ? "is required" : "must be a participant's UUID, e.g. 0194f3a2-7c1e-7b3d-9a55-3f1c2b4d5e6f"));
        }

        var participant = await CohortLookup.FindParticipantAsync(db, uuid.ToString("D"), "participant_id", tracked: false, cancellationToken);
        var slug = await db.Cohorts.Where(c => c.Id == participant.CohortId).Select(c => c.Slug).SingleAsync(cancellationToken);
        var attachments = await db.Attachments.CountAsync(a => a.ParticipantId == participant.Id, cancellationToken);
        var subject = ParticipantChanges.NameOf(participant.Id);
        await policy.AuthorizeAsync(GovernedActions.ParticipantSubjectExport, subject, new Dictionary<string, object?>
        {
            ["cohort"] = slug,
            ["attachments"] = (long)attachments,
        }, request, context);

        await using var export = await subjectExports.BuildAsync(participant, slug, cancellationToken);
        await receipts.RecordAsync(context.Method, _ => subject, () => Task.FromResult(export), e => e.Manifest, cancellationToken);
        var manifestSha256 = global::System.Security.Cryptography.SHA256.HashData(export.Manifest);
        var receiptId = (await db.Receipts.AsNoTracking().Where(r => r.Subject == subject && r.Action == context.Method)
            .Select(r => new { r.Id, r.ContentSha256 }).ToListAsync(cancellationToken)).Single(r => r.ContentSha256.AsSpan().SequenceEqual(manifestSha256)).Id;

        var buffer = new byte[ExportChunkSize];
        var first = true;
        int read;
        while ((read = await export.Zip.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var chunk = new ExportDataSubjectResponse { Data = ByteString.CopyFrom(buffer, 0, read) };
            if (first)
            {
                chunk.ExportName = export.ExportName;
                chunk.ManifestSha256 = ByteString.CopyFrom(manifestSha256);
                chunk.ZipSha256 = ByteString.CopyFrom(export.ZipSha256);
                chunk.ZipSizeBytes = export.Zip.Length;
                chunk.ExportReceiptId = receiptId;
                first = false;
            }

            await responseStream.WriteAsync(chunk, cancellationToken);
        }
    }
}
