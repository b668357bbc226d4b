namespace Pilotdeck.Transparency.Merkle;

/// <summary>
/// A whole log kept in memory: for tests, tools and small offline uses. Appending computes the
/// stored hashes with <see cref="MerkleTree.HashesToStoreAsync"/>, exactly as a database-backed log would.
/// The hashes sit side by side in one byte array, not as an object each: a million-leaf log is
/// 64 MB that the garbage collector never has to trace, so it does not slow the pauses of the
/// process that holds it. Not thread-safe.
/// </summary>
public sealed class InMemoryHashStore : IHashReader
{
    private byte[] _hashes = new byte[64 * LogHash.Size];
    private long _stored;

    /// <summary>Number of leaves appended so far.</summary>
    public long TreeSize { get; private set; }

    /// <summary>Appends a leaf with the given data and returns its index.</summary>
    public ValueTask<long> AppendAsync(ReadOnlySpan<byte> leafData) => AppendLeafHashAsync(LogHash.OfLeaf(leafData));

    /// <summary>Appends a leaf whose leaf hash is already known and returns its index.</summary>
    public async ValueTask<long> AppendLeafHashAsync(LogHash leafHash)
    {
        var index = TreeSize;
        var hashes = await MerkleTree.HashesToStoreAsync(index, leafHash, this);
        var needed = (_stored + hashes.Count) * LogHash.Size;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"An in-memory log holds at most {Array.MaxLength / LogHash.Size:N0} stored hashes; use a database-backed log for more.");
        }

        if (needed > _hashes.Length)
        {
            Array.Resize(ref _hashes, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _hashes.Length)));
        }

        foreach (var hash in hashes)
        {
            hash.Bytes.CopyTo(_hashes.AsSpan((int)(_stored++ * LogHash.Size)));
        }

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
            if (slot < 0 || slot >= _stored)
            {
                throw new KeyNotFoundException($"Stored hash slot {slot} does not exist (the store has {_stored}).");
            }

            result[i] = new LogHash(_hashes.AsSpan((int)(slot * LogHash.Size), LogHash.Size));
        }

        return ValueTask.FromResult<IReadOnlyList<LogHash>>(result);
    }
}
