using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;

namespace Pilotdeck.Server.Features.Receipts;

/// <summary>A receipt and the checkpoint it is proven against (none while the log has none, or none of the size asked for).</summary>
public sealed record ReceiptAndCheckpoint(ReceiptRecord Receipt, LogCheckpointRecord? Checkpoint);

/// <summary>
/// The checkpoint reads of the receipts API, each the latest (size 0) or the one of a size, as
/// compiled queries: a proof or checkpoint call is a few small reads, and EF's per-query work for
/// a LINQ query (its closures evaluated, its shape looked up) costs a share of each call
/// (docs/performance.md). Like every query, they see the scope's tenant only.
/// </summary>
public static class CheckpointReads
{
    private static readonly CompiledPerModel<Func<PilotdeckDbContext, CancellationToken, Task<LogCheckpointRecord?>>> LatestQuery = new(() =>
        EF.CompileAsyncQuery((PilotdeckDbContext db, CancellationToken _) =>
            db.LogCheckpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).FirstOrDefault()));

    private static readonly CompiledPerModel<Func<PilotdeckDbContext, long, CancellationToken, Task<LogCheckpointRecord?>>> OfSizeQuery = new(() =>
        EF.CompileAsyncQuery((PilotdeckDbContext db, long size, CancellationToken _) =>
            db.LogCheckpoints.AsNoTracking().SingleOrDefault(c => c.TreeSize == size)));

    // The receipt and its checkpoint in one statement, a join on a one-row subquery: one round trip
    // less per proof, and both from one snapshot.
    private static readonly CompiledPerModel<Func<PilotdeckDbContext, string, CancellationToken, Task<ReceiptAndCheckpoint?>>> ReceiptWithLatestQuery = new(() =>
        EF.CompileAsyncQuery((PilotdeckDbContext db, string receiptId, CancellationToken _) => (
                from r in db.Receipts.AsNoTracking().Where(r => r.Id == receiptId)
                from c in db.LogCheckpoints.AsNoTracking().OrderByDescending(c => c.TreeSize).Take(1).DefaultIfEmpty()
                select new ReceiptAndCheckpoint(r, c))
            .SingleOrDefault()));

    private static readonly CompiledPerModel<Func<PilotdeckDbContext, string, long, CancellationToken, Task<ReceiptAndCheckpoint?>>> ReceiptWithSizeQuery = new(() =>
        EF.CompileAsyncQuery((PilotdeckDbContext db, string receiptId, long size, CancellationToken _) => (
                from r in db.Receipts.AsNoTracking().Where(r => r.Id == receiptId)
                from c in db.LogCheckpoints.AsNoTracking().Where(c => c.TreeSize == size).DefaultIfEmpty()
                select new ReceiptAndCheckpoint(r, c))
            .SingleOrDefault()));

    /// <summary>The latest checkpoint; null while the log has none.</summary>
    public static Task<LogCheckpointRecord?> LatestCheckpointAsync(this PilotdeckDbContext db, CancellationToken cancellationToken) =>
        LatestQuery.For(db)(db, cancellationToken);

    /// <summary>The checkpoint of <paramref name="size"/>, or the latest for 0; null when there is none.</summary>
    public static Task<LogCheckpointRecord?> CheckpointAsync(this PilotdeckDbContext db, long size, CancellationToken cancellationToken) => size == 0
        ? db.LatestCheckpointAsync(cancellationToken)
        : OfSizeQuery.For(db)(db, size, cancellationToken);

    /// <summary>The receipt with the checkpoint of <paramref name="size"/> (the latest for 0); null when there is no such receipt.</summary>
    public static Task<ReceiptAndCheckpoint?> ReceiptWithCheckpointAsync(this PilotdeckDbContext db, string receiptId, long size, CancellationToken cancellationToken) => size == 0
        ? ReceiptWithLatestQuery.For(db)(db, receiptId, cancellationToken)
        : ReceiptWithSizeQuery.For(db)(db, receiptId, size, cancellationToken);
}
