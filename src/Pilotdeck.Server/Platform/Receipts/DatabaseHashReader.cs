using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>
/// The scope's tenant's stored log hashes, plus those appended in the current batch and not yet
/// saved (the sequencer needs both to hash the next leaves and the new root).
/// </summary>
public sealed class DatabaseHashReader(PilotdeckDbContext db) : IHashReader
{
    private readonly Dictionary<long, LogHash> _unsaved = [];

    public void Add(long slot, LogHash hash) => _unsaved[slot] = hash;

    public async ValueTask<IReadOnlyList<LogHash>> ReadHashesAsync(IReadOnlyList<long> slots, CancellationToken cancellationToken = default)
    {
        var wanted = slots.Where(s => !_unsaved.ContainsKey(s)).Distinct().ToList();
        var stored = wanted.Count == 0
            ? []
            : await db.LogHashes.AsNoTracking().Where(h => wanted.Contains(h.Slot)).ToDictionaryAsync(h => h.Slot, h => new LogHash(h.Hash), cancellationToken);
        return [.. slots.Select(s => _unsaved.TryGetValue(s, out var hash) ? hash
            : stored.TryGetValue(s, out hash) ? hash
            : throw new KeyNotFoundException($"Log hash slot {s} is not stored."))];
    }
}
