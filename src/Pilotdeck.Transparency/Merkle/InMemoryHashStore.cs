namespace Pilotdeck.Transparency.Merkle;

/// <summary>
/// A whole log kept in a list: for tests, tools and small offline uses. Appending computes the
/// stored hashes with <see cref="MerkleTree.HashesToStoreAsync"/>, exactly as a database-backed log would.
/// Not thread-safe.
/// </summary>
public sealed class InMemoryHashStore : IHashReader
{
    private readonly List<LogHash> _slots = [];

    /// <summary>Number of leaves appended so far.</summary>
    public long TreeSize { get; private set; }

    /// <summary>Appends a leaf with the given data and returns its index.</summary>
    public ValueTask<long> AppendAsync(ReadOnlySpan<byte> leafData) => AppendLeafHashAsync(LogHash.OfLeaf(leafData));

    /// <summary>Appends a leaf whose leaf hash is already known and returns its index.</summary>
    public async ValueTask<long> AppendLeafHashAsync(LogHash leafHash)
    {
        var index = TreeSize;
        var hashes = await MerkleTree.HashesToStoreAsync(index, leafHash, this);
        _slots.AddRange(hashes);
        TreeSize = index + 1;
        return index;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<LogHash>> ReadHashesAsync(IReadOnlyList<long> slots, CancellationToken cancellationToken = default)
    {
        var result = new LogHash[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            var slot = slots[i];
            if (slot < 0 || slot >= _slots.Count)
            {
                throw new KeyNotFoundException($"Stored hash slot {slot} does not exist (the store has {_slots.Count}).");
            }
            result[i] = _slots[(int)slot];
        }
        return ValueTask.FromResult<IReadOnlyList<LogHash>>(result);
    }
}
