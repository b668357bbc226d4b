using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Features.Receipts;

/// <summary>pilotdeck.receipts.v1: the caller's tenant's receipts, checkpoints and proofs, read from the data layer's tenant view.</summary>
public sealed class ReceiptsService(PilotdeckDbContext db, TenantLogKeys keys, Pager pager, IOptions<ReceiptLogOptions> options, EvidenceBundles bundles, ChangeReceipts changes, PolicyGate policy)
    : Contracts.Receipts.V1.ReceiptsService.ReceiptsServiceBase
{
    public override async Task<GetLogInfoResponse> GetLogInfo(GetLogInfoRequest request, ServerCallContext context) =>
        new() { Origin = keys.Origin, VerifierKey = await keys.FindVerifierKeyAsync(context.CancellationToken) ?? "" };

    public override async Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        var latest = await db.LatestCheckpointAsync(context.CancellationToken);
        return latest is null ? new GetCheckpointResponse() : ToResponse(latest);
    }

    public override async Task<GetReceiptResponse> GetReceipt(GetReceiptRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ReceiptId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("receipt_id", "is required"));
        }

        var found = await db.ReceiptWithCheckpointAsync(request.ReceiptId, request.TreeSize, context.CancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.ReceiptNotFound, "Receipt", request.ReceiptId);
        var receipt = found.Receipt;
        var checkpoint = await RequireCheckpointAsync(found.Checkpoint, request.TreeSize, "tree_size", context.CancellationToken);
        if (receipt.LogIndex is not { } index || checkpoint is null || index >= checkpoint.TreeSize)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ReceiptPending,
                $"Receipt {receipt.Id} is not in {(request.TreeSize == 0 ? "a signed checkpoint" : $"the checkpoint of size {request.TreeSize}")} yet.",
                new Dictionary<string, string> { ["checkpoint_delay_ms"] = ((long)options.Value.CheckpointDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) });
        }

        var proof = await MerkleTree.ProveInclusionAsync(index, checkpoint.TreeSize, new DatabaseHashReader(db), context.CancellationToken);
        var response = new GetReceiptResponse
        {
            Receipt = ReceiptQueries.ToContract(receipt),
            Canonical = ByteString.CopyFrom(ReceiptText.Canonical(receipt)),
            SignedCheckpoint = checkpoint.SignedNote,
            TreeSize = checkpoint.TreeSize,
        };
        response.InclusionProof.AddRange(proof.Select(h => ByteString.CopyFrom(h.Bytes)));
        return response;
    }

    public override async Task<GetConsistencyProofResponse> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context)
    {
        var second = await FindCheckpointAsync(request.SecondSize, "second_size", context.CancellationToken);
        if (second is null || request.FirstSize < 0 || request.FirstSize > second.TreeSize)
        {
            throw TreeSizeInvalid("first_size", $"must be between 0 and second_size ({second?.TreeSize ?? 0})", second?.TreeSize ?? 0);
        }

        var proof = request.FirstSize == 0
            ? []
            : await MerkleTree.ProveConsistencyAsync(request.FirstSize, second.TreeSize, new DatabaseHashReader(db), context.CancellationToken);
        var response = new GetConsistencyProofResponse();
        response.Proof.AddRange(proof.Select(h => ByteString.CopyFrom(h.Bytes)));
        return response;
    }

    public override async Task<ListReceiptsResponse> ListReceipts(ListReceiptsRequest request, ServerCallContext context)
    {
        var page = pager.Read(request.PageSize, request.PageToken, $"actor={request.Actor};action={request.Action};subject={request.Subject}");
        var query = db.Receipts.AsNoTracking().Matching(request.Actor, request.Action, request.Subject);
        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(r => r.CreatedAt < created || (r.CreatedAt == created && string.Compare(r.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, r => new NewestFirstKey(r.CreatedAt, r.Id).ToString());
        var response = new ListReceiptsResponse { NextPageToken = next };
        response.Receipts.AddRange(items.Select(ReceiptQueries.ToContract));
        return response;
    }

    public override async Task<GetReceiptTimelineResponse> GetReceiptTimeline(GetReceiptTimelineRequest request, ServerCallContext context)
    {
        if (request.Subject.Length == 0)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("subject", "is required"));
        }

        var page = pager.Read(request.PageSize, request.PageToken, "timeline;subject=" + request.Subject);
        var query = db.Receipts.AsNoTracking().Matching("", "", request.Subject);
        if (page.After is { } after)
        {
            // The same (created, id) key as the newest-first lists, compared the other way: oldest first.
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(r => r.CreatedAt > created || (r.CreatedAt == created && string.Compare(r.Id, id) > 0));
        }

        var rows = await query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        if (rows.Count == 0 && page.After is null)
        {
            // Another tenant's subject looks exactly like one that never existed.
            throw ApiErrors.NotFound(ErrorReason.SubjectNotFound, "Subject", request.Subject);
        }

        var (items, next) = pager.Page(page, rows, r => new NewestFirstKey(r.CreatedAt, r.Id).ToString());
        var checkpoint = await db.LatestCheckpointAsync(context.CancellationToken);
        var response = new GetReceiptTimelineResponse { NextPageToken = next, SignedCheckpoint = checkpoint?.SignedNote ?? "", TreeSize = checkpoint?.TreeSize ?? 0 };
        // Receipts the checkpoint covers get their proofs, all read at once; the rest are pending.
        var covered = items.Where(r => r.LogIndex < response.TreeSize).Select(r => r.LogIndex!.Value).ToList();
        var proofs = await MerkleTree.ProveInclusionsAsync(covered, response.TreeSize, new DatabaseHashReader(db), context.CancellationToken);
        var proved = 0;
        foreach (var receipt in items)
        {
            var entry = new TimelineEntry { Receipt = ReceiptQueries.ToContract(receipt), Canonical = ByteString.CopyFrom(ReceiptText.Canonical(receipt)) };
            if (receipt.LogIndex < response.TreeSize)
            {
                entry.InclusionProof.AddRange(proofs[proved++].Select(h => ByteString.CopyFrom(h.Bytes)));
            }
            else
            {
                entry.Pending = true;
            }

            response.Entries.Add(entry);
        }

        return response;
    }

    /// <summary>Builds the whole bundle first, so a refused export (too large, no checkpoint) streams nothing and leaves no receipt.</summary>
    public override async Task ExportEvidenceBundle(ExportEvidenceBundleRequest request, IServerStreamWriter<ExportEvidenceBundleResponse> responseStream, ServerCallContext context)
    {
        // An export hands the tenant's history to someone outside it: a governed action.
        await policy.AuthorizeAsync(GovernedActions.EvidenceExport, "evidence-bundles", new Dictionary<string, object?>
        {
            ["subject"] = request.Subject,
            ["actor"] = request.Actor,
            ["action"] = request.Action,
        }, request, context);
        var bundle = await changes.RecordAsync(context.Method, b => b.ExportName, () => bundles.BuildAsync(request, context.CancellationToken), b => b.Manifest, context.CancellationToken);
        var receiptId = await db.Receipts.AsNoTracking().Where(r => r.Subject == bundle.ExportName).Select(r => r.Id).SingleAsync(context.CancellationToken);
        const int chunkSize = 64 * 1024;
        for (var offset = 0; offset == 0 || offset < bundle.Zip.Length; offset += chunkSize)
        {
            var chunk = new ExportEvidenceBundleResponse { Data = ByteString.CopyFrom(bundle.Zip, offset, Math.Min(chunkSize, bundle.Zip.Length - offset)) };
            if (offset == 0)
            {
                chunk.ManifestSha256 = ByteString.CopyFrom(SHA256.HashData(bundle.Manifest));
                chunk.ExportReceiptId = receiptId;
            }

            await responseStream.WriteAsync(chunk, context.CancellationToken);
        }
    }

    /// <summary>The checkpoint of <paramref name="size"/>, or the latest for 0 (null while none exists).</summary>
    private async Task<LogCheckpointRecord?> FindCheckpointAsync(long size, string field, CancellationToken cancellationToken) =>
        await RequireCheckpointAsync(await db.CheckpointAsync(size, cancellationToken), size, field, cancellationToken);

    /// <summary>What <see cref="CheckpointReads.CheckpointAsync"/> found; none for a size asked for by number is the caller's mistake.</summary>
    private async Task<LogCheckpointRecord?> RequireCheckpointAsync(LogCheckpointRecord? found, long size, string field, CancellationToken cancellationToken) =>
        found is null && size != 0
            ? throw TreeSizeInvalid(field, "is not the size of one of the log's checkpoints", (await db.LatestCheckpointAsync(cancellationToken))?.TreeSize ?? 0)
            : found;

    private static RpcException TreeSizeInvalid(string field, string problem, long latest) =>
        ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.TreeSizeInvalid, $"{field} {problem}.",
            new Dictionary<string, string> { ["latest_tree_size"] = latest.ToString(CultureInfo.InvariantCulture) },
            [new FieldViolation(field, problem)]);

    private static GetCheckpointResponse ToResponse(LogCheckpointRecord checkpoint) => new()
    {
        SignedCheckpoint = checkpoint.SignedNote,
        TreeSize = checkpoint.TreeSize,
        RootHash = ByteString.CopyFrom(checkpoint.RootHash),
    };
}
