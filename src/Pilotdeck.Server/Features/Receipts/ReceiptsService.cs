using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Features.Receipts;

/// <summary>pilotdeck.receipts.v1: the caller's tenant's receipts, checkpoints and proofs, read from the data layer's tenant view.</summary>
public sealed class ReceiptsService(PilotdeckDbContext db, TenantLogKeys keys, Pager pager, IOptions<ReceiptLogOptions> options)
    : Contracts.Receipts.V1.ReceiptsService.ReceiptsServiceBase
{
    public override async Task<GetLogInfoResponse> GetLogInfo(GetLogInfoRequest request, ServerCallContext context) =>
        new() { Origin = keys.Origin, VerifierKey = await keys.FindVerifierKeyAsync(context.CancellationToken) ?? "" };

    public override async Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        var latest = await LatestCheckpointAsync(context.CancellationToken);
        return latest is null ? new GetCheckpointResponse() : ToResponse(latest);
    }

    public override async Task<GetReceiptResponse> GetReceipt(GetReceiptRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ReceiptId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("receipt_id", "is required"));
        }

        var receipt = await db.Receipts.AsNoTracking().SingleOrDefaultAsync(r => r.Id == request.ReceiptId, context.CancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.ReceiptNotFound, "Receipt", request.ReceiptId);
        var checkpoint = await CheckpointAsync(request.TreeSize, "tree_size", context.CancellationToken);
        if (receipt.LogIndex is not { } index || checkpoint is null || index >= checkpoint.TreeSize)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ReceiptPending,
                $"Receipt {receipt.Id} is not in {(request.TreeSize == 0 ? "a signed checkpoint" : $"the checkpoint of size {request.TreeSize}")} yet.",
                new Dictionary<string, string> { ["checkpoint_delay_ms"] = ((long)options.Value.CheckpointDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) });
        }

        var proof = await MerkleTree.ProveInclusionAsync(index, checkpoint.TreeSize, new DatabaseHashReader(db), context.CancellationToken);
        var response = new GetReceiptResponse
        {
            Receipt = ToContract(receipt),
            Canonical = ByteString.CopyFrom(ReceiptText.Canonical(receipt)),
            SignedCheckpoint = checkpoint.SignedNote,
            TreeSize = checkpoint.TreeSize,
        };
        response.InclusionProof.AddRange(proof.Select(h => ByteString.CopyFrom(h.Bytes)));
        return response;
    }

    public override async Task<GetConsistencyProofResponse> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context)
    {
        var second = await CheckpointAsync(request.SecondSize, "second_size", context.CancellationToken);
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
        var query = db.Receipts.AsNoTracking();
        if (request.Actor.Length > 0)
        {
            query = query.Where(r => r.Actor == request.Actor);
        }

        if (request.Action.Length > 0)
        {
            query = query.Where(r => r.Action == request.Action);
        }

        if (request.Subject.Length > 0)
        {
            query = query.Where(r => r.Subject == request.Subject);
        }

        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(r => r.CreatedAt < created || (r.CreatedAt == created && string.Compare(r.Id, id) < 0));
        }

        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, r => new NewestFirstKey(r.CreatedAt, r.Id).ToString());
        var response = new ListReceiptsResponse { NextPageToken = next };
        response.Receipts.AddRange(items.Select(ToContract));
        return response;
    }

    private Task<LogCheckpointRecord?> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        db.LogCheckpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The checkpoint of <paramref name="size"/>, or the latest for 0 (null while none exists).</summary>
    private async Task<LogCheckpointRecord?> CheckpointAsync(long size, string field, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return await LatestCheckpointAsync(cancellationToken);
        }

        return await db.LogCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.TreeSize == size, cancellationToken)
            ?? throw TreeSizeInvalid(field, "is not the size of one of the log's checkpoints", (await LatestCheckpointAsync(cancellationToken))?.TreeSize ?? 0);
    }

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

    private static Receipt ToContract(ReceiptRecord receipt)
    {
        var contract = new Receipt
        {
            ReceiptId = receipt.Id,
            Actor = receipt.Actor,
            Action = receipt.Action,
            Subject = receipt.Subject,
            RequestId = receipt.RequestId ?? "",
            DecisionId = receipt.DecisionId ?? "",
            CreateTime = Timestamp.FromDateTimeOffset(receipt.CreatedAt),
            ContentSha256 = ByteString.CopyFrom(receipt.ContentSha256),
        };
        if (receipt.LogIndex is { } index)
        {
            contract.LogIndex = index;
        }

        return contract;
    }
}
