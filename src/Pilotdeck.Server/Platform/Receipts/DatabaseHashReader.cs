using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>
/// The scope's tenant's stored log hashes, plus those appended in the current batch and not yet
/// saved (the sequencer needs both to hash the next leaves and the new root). A stored hash never
/// changes, so what was read once is kept: a batch or a page of proofs asks the database once per slot.
/// </summary>
public sealed class DatabaseHashReader(PilotdeckDbContext db) : IHashReader
{
    private static readonly CompiledPerModel<Func<PilotdeckDbContext, long[], IAsyncEnumerable<StoredHash>>> StoredHashes = new(() =>
        EF.CompileAsyncQuery((PilotdeckDbContext db, long[] slots) =>
            db.LogHashes.AsNoTracking().Where(h => slots.Contains(h.Slot)).Select(h => new StoredHash(h.Slot, h.Hash))));

    private readonly Dictionary<long, LogHash> _known = [];

    public void Add(long slot, LogHash hash) => _known[slot] = hash;

    public async ValueTask<IReadOnlyList<LogHash>> ReadHashesAsync(IReadOnlyList<long> slots, CancellationToken cancellationToken = default)
    {
        var wanted = slots.Where(s => !_known.ContainsKey(s)).Distinct().ToArray();
        if (wanted.Length > 0)
        {
            // Compiled, and the slots one array parameter (json_each on SQLite, = ANY on PostgreSQL; the
            // data layer's setting) rather than a parameter per slot: the SQL is made once, not per count.
            await foreach (var stored in StoredHashes.For(db)(db, wanted).WithCancellation(cancellationToken))
            {
                _known[stored.Slot] = new LogHash(stored.Hash);
            }
        }

        var result = new LogHash[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            result[i] = _known.TryGetValue(slots[i], out var hash) ? hash : throw new KeyNotFoundException($"Log hash slot {slots[i]} is not stored.");
        }

        return result;
    }

    private sealed record StoredHash(long Slot, byte[] Hash);
}
