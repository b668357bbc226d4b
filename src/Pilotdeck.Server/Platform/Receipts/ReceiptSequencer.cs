using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>
/// Appends the scope's tenant's unsequenced receipts to its Merkle log and signs a checkpoint of
/// the new tree. A batch is read and hashed first, without a lock, then written and signed in one
/// transaction under a per-tenant database lock if the log's head is still where the batch was
/// read from; otherwise it is prepared again from the new head. Any number of hosts may run it;
/// after a crash the next run starts from what was committed, so the log has no gap, no duplicate
/// and never forks. The unique (tenant, log index) constraint backs the lock up. Preparing outside
/// the lock matters most on SQLite, where that lock is the database's one write lock: writers
/// wait only for the batch's writes and signature, not for its reads and hashing.
/// </summary>
public sealed class ReceiptSequencer(PilotdeckDbContext db, ITenantContext tenant, TenantLogKeys keys, IOptions<ReceiptLogOptions> options, TimeProvider time)
{
    /// <summary>Appends what is pending; returns the new checkpoint, or null when nothing was pending.</summary>
    public async Task<LogCheckpointRecord?> SequenceAsync(CancellationToken cancellationToken)
    {
        if (!await HasPendingAsync(cancellationToken))
        {
            return null;
        }

        while (await PrepareAsync(null, cancellationToken) is { } batch)
        {
            if (await TryCommitAsync(batch, cancellationToken) is { } checkpoint)
            {
                return checkpoint;
            }
        }

        return null;
    }

    /// <summary>Whether any receipt waits to be sequenced: one indexed probe, as most periods find nothing.</summary>
    public Task<bool> HasPendingAsync(CancellationToken cancellationToken) => db.Receipts.AnyAsync(r => r.LogIndex == null, cancellationToken);

    /// <summary>
    /// The next batch of pending receipts appended to the log as it stands, or, with
    /// <paramref name="after"/>, as it will stand once that batch is committed: the hashes to store
    /// and the new tree's size and root. Nothing is written. Null when nothing is pending.
    /// </summary>
    /// <remarks>
    /// A batch prepared after another continues from that batch's tree and reads only receipts
    /// that follow its last one in (time, id) order, so it can be read and hashed while that batch
    /// commits on another connection. A receipt committed late with an earlier time is left to the
    /// next batch prepared from the log itself. If the earlier batch is never committed, the head
    /// check in <see cref="TryCommitAsync"/> refuses this one.
    /// </remarks>
    internal async Task<PreparedBatch?> PrepareAsync(PreparedBatch? after, CancellationToken cancellationToken)
    {
        // The head first: a batch sequenced after this read moves it, which TryCommitAsync sees.
        var first = after?.Size ?? await HeadAsync(cancellationToken);
        // Read untracked: the batch's indices are set in one statement, not entity by entity.
        var query = db.Receipts.AsNoTracking().Where(r => r.LogIndex == null);
        if (after is not null)
        {
            var (created, id) = (after.LastCreatedAt, after.LastId);
            query = query.Where(r => r.CreatedAt > created || (r.CreatedAt == created && string.Compare(r.Id, id) > 0));
        }

        var pending = await query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(options.Value.BatchSize).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return null;
        }

        var reader = new DatabaseHashReader(db);
        foreach (var unsaved in after?.Hashes ?? [])
        {
            reader.Add(unsaved.Slot, new LogHash(unsaved.Hash));
        }

        // Each left sibling a new leaf needs is either hashed in this batch or one of the complete
        // subtrees the current root is made of: reading that root reads them all in one round trip.
        // Stored hashes never change, so reading them outside the lock is safe.
        await MerkleTree.RootAsync(first, reader, cancellationToken);
        var size = first;
        var stored = new List<LogHashRecord>(2 * pending.Count);
        foreach (var receipt in pending)
        {
            var hashes = await MerkleTree.HashesToStoreAsync(size, LogHash.OfLeaf(ReceiptText.Canonical(receipt)), reader, cancellationToken);
            var firstSlot = StoredHashLayout.IndexOf(0, size);
            for (var i = 0; i < hashes.Count; i++)
            {
                reader.Add(firstSlot + i, hashes[i]);
                stored.Add(new LogHashRecord { Slot = firstSlot + i, Hash = hashes[i].Bytes.ToArray() });
            }

            size++;
        }

        var root = await MerkleTree.RootAsync(size, reader, cancellationToken);
        return new PreparedBatch(first, [.. pending.Select(r => r.Id)], stored, size, root, pending[^1].CreatedAt, pending[^1].Id);
    }

    /// <summary>
    /// Writes <paramref name="batch"/> and its signed checkpoint under the tenant's log lock, in one
    /// transaction; null, with nothing written, when another sequencer extended the log after the
    /// batch was prepared.
    /// </summary>
    internal async Task<LogCheckpointRecord?> TryCommitAsync(PreparedBatch batch, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockTenantLogAsync(cancellationToken);
        if (await HeadAsync(cancellationToken) != batch.First)
        {
            return null;
        }

        await db.InsertInBulkAsync(batch.Hashes, cancellationToken);
        await db.AssignLogIndexesAsync(batch.ReceiptIds, batch.First, cancellationToken);
        // Signed under the lock: a tenant's first checkpoint also creates its key, which must happen once.
        var key = await keys.SigningKeyAsync(cancellationToken);
        var checkpoint = new LogCheckpointRecord
        {
            TreeSize = batch.Size,
            RootHash = batch.Root.Bytes.ToArray(),
            SignedNote = new Checkpoint(keys.Origin, batch.Size, batch.Root).Sign(key),
            CreatedAt = time.GetUtcNow(),
        };
        db.LogCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return checkpoint;
    }

    // The log's size: the next index. A backward index scan: PostgreSQL may plan MAX() as a scan of every indexed receipt.
    private async Task<long> HeadAsync(CancellationToken cancellationToken) =>
        await db.Receipts.Where(r => r.LogIndex != null).OrderByDescending(r => r.LogIndex)
            .Select(r => r.LogIndex).FirstOrDefaultAsync(cancellationToken) + 1 ?? 0;

    /// <summary>One sequencer per tenant at a time, across hosts (see <see cref="TransactionLocks"/>).</summary>
    private Task LockTenantLogAsync(CancellationToken cancellationToken) =>
        db.Database.LockForTransactionAsync("pilotdeck-receipt-log:" + tenant.TenantId, cancellationToken);
}

/// <summary>
/// A batch ready to append at <paramref name="First"/>: its receipts in log order, the hashes to
/// store, the tree they make, and the (time, id) of its last receipt, where the next batch's read continues.
/// </summary>
internal sealed record PreparedBatch(long First, IReadOnlyList<string> ReceiptIds, IReadOnlyList<LogHashRecord> Hashes, long Size, LogHash Root, DateTimeOffset LastCreatedAt, string LastId);
