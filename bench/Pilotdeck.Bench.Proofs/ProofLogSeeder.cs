using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Receipts;
using Pilotdeck.TestSupport;
using Pilotdeck.Transparency.Merkle;

/// <summary>
/// Grows the demo tenant's log to a given size quickly: receipts and their stored hashes are
/// computed here, in the sequencer's layout, and inserted in batches; the last receipt is left
/// pending so the host's own <see cref="ReceiptSequencer"/> appends it and signs the checkpoint
/// (which also proves the seeded hashes are what the sequencer expects).
/// </summary>
internal static class ProofLogSeeder
{
    private const int Batch = 5000;
    private const int SampleEvery = 97;

    public sealed record GrownLog(long Size, LogHash Root, IReadOnlyList<(long Index, string Id)> Sampled, InMemoryHashStore Hashes)
    {
        public async Task<LogHash> RootAtAsync(long size) => await MerkleTree.RootAsync(size, Hashes);
    }

    public static async Task<GrownLog> GrowAsync(PilotdeckTestHost host, long leaves)
    {
        var store = new InMemoryHashStore();
        await SequencePendingAsync(host);
        await using (var scope = host.Services.CreateTenantScope(host.TenantId))
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            foreach (var existing in await db.Receipts.AsNoTracking().Where(r => r.LogIndex != null).OrderBy(r => r.LogIndex).ToListAsync())
            {
                await store.AppendAsync(ReceiptText.Canonical(existing));
            }
        }

        var sampled = new List<(long, string)>();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var receipts = new List<ReceiptRecord>(Batch);
        var hashes = new List<LogHashRecord>(2 * Batch);
        for (var index = store.TreeSize; index < leaves - 1; index++)
        {
            var receipt = Receipt(host.TenantId, index, start.AddMilliseconds(index));
            receipt.LogIndex = index;
            var firstSlot = StoredHashLayout.CountFor(index);
            await store.AppendAsync(ReceiptText.Canonical(receipt));
            var slots = Enumerable.Range(0, (int)(StoredHashLayout.CountFor(index + 1) - firstSlot)).Select(i => firstSlot + i).ToList();
            var stored = await store.ReadHashesAsync(slots);
            hashes.AddRange(slots.Select((slot, i) => new LogHashRecord { TenantId = host.TenantId, Slot = slot, Hash = stored[i].Bytes.ToArray() }));
            receipts.Add(receipt);
            if (index % SampleEvery == 0)
            {
                sampled.Add((index, receipt.Id));
            }

            if (receipts.Count == Batch)
            {
                await InsertAsync(host, receipts, hashes);
            }
        }

        await InsertAsync(host, receipts, hashes);

        // The last receipt goes through the real sequencer, which reads the seeded hashes it needs and signs.
        var last = Receipt(host.TenantId, leaves - 1, DateTimeOffset.UtcNow);
        await InsertAsync(host, [last], []);
        await store.AppendAsync(ReceiptText.Canonical(last));
        await SequencePendingAsync(host);
        await SettleAsync(host);
        var root = await MerkleTree.RootAsync(store.TreeSize, store);
        return new GrownLog(store.TreeSize, root, sampled, store);
    }

    // A million receipts loaded in a minute or two are months of a real log. On PostgreSQL,
    // autovacuum then works through them (VACUUM ANALYZE of receipts) for about as long, in the
    // middle of the measured calls; a real log is vacuumed a little at a time as it grows. Doing it
    // here keeps that catch-up out of the figures.
    private static async Task SettleAsync(PilotdeckTestHost host)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) receipts, log_hashes, log_checkpoints");
        }
    }

    private static ReceiptRecord Receipt(string tenantId, long index, DateTimeOffset time)
    {
        var n = index.ToString(CultureInfo.InvariantCulture);
        return ReceiptRecord.Create(tenantId, "system:bench", "bench.proofs", "bench/" + n, null, null, time, SHA256.HashData(BitConverter.GetBytes(index)));
    }

    private static async Task InsertAsync(PilotdeckTestHost host, List<ReceiptRecord> receipts, List<LogHashRecord> hashes)
    {
        await using var scope = host.Services.CreateTenantScope(host.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Receipts.AddRange(receipts);
        db.LogHashes.AddRange(hashes);
        await db.SaveChangesAsync();
        receipts.Clear();
        hashes.Clear();
    }

    private static async Task SequencePendingAsync(PilotdeckTestHost host)
    {
        while (true)
        {
            await using var scope = host.Services.CreateTenantScope(host.TenantId);
            if (await scope.ServiceProvider.GetRequiredService<ReceiptSequencer>().SequenceAsync(CancellationToken.None) is null)
            {
                return;
            }
        }
    }
}
