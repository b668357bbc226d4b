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
/// the new tree, all in one transaction under a per-tenant database lock: any number of hosts may
/// run it, and after a crash the next run starts from what was committed, so the log has no gap,
/// no duplicate and never forks. The unique (tenant, log index) constraint backs the lock up.
/// </summary>
public sealed class ReceiptSequencer(PilotdeckDbContext db, ITenantContext tenant, TenantLogKeys keys, IOptions<ReceiptLogOptions> options, TimeProvider time)
{
    /// <summary>Appends what is pending; returns the new checkpoint, or null when nothing was pending.</summary>
    public async Task<LogCheckpointRecord?> SequenceAsync(CancellationToken cancellationToken)
    {
        // Checked outside a transaction first: most periods find nothing, and should not take a write lock.
        if (!await db.Receipts.AnyAsync(r => r.LogIndex == null, cancellationToken))
        {
            return null;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockTenantLogAsync(cancellationToken);

        // Read untracked: the batch's indices are set in one statement below, not entity by entity.
        var pending = await db.Receipts.AsNoTracking().Where(r => r.LogIndex == null)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(options.Value.BatchSize).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return null;
        }

        // The newest index by a backward index scan: PostgreSQL may plan MAX() as a scan of every indexed receipt.
        var first = await db.Receipts.Where(r => r.LogIndex != null).OrderByDescending(r => r.LogIndex)
            .Select(r => r.LogIndex).FirstOrDefaultAsync(cancellationToken) + 1 ?? 0;
        var reader = new DatabaseHashReader(db);
        // Each left sibling a new leaf needs is either hashed in this batch or one of the complete
        // subtrees the current root is made of: reading that root reads them all in one round trip.
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

        await db.InsertInBulkAsync(stored, cancellationToken);
        await db.AssignLogIndexesAsync([.. pending.Select(r => r.Id)], first, cancellationToken);

        var root = await MerkleTree.RootAsync(size, reader, cancellationToken);
        var key = await keys.SigningKeyAsync(cancellationToken);
        var checkpoint = new LogCheckpointRecord
        {
            TreeSize = size,
            RootHash = root.Bytes.ToArray(),
            SignedNote = new Checkpoint(keys.Origin, size, root).Sign(key),
            CreatedAt = time.GetUtcNow(),
        };
        db.LogCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return checkpoint;
    }

    /// <summary>One sequencer per tenant at a time, across hosts (see <see cref="TransactionLocks"/>).</summary>
    private Task LockTenantLogAsync(CancellationToken cancellationToken) =>
        db.Database.LockForTransactionAsync("pilotdeck-receipt-log:" + tenant.TenantId, cancellationToken);
}
