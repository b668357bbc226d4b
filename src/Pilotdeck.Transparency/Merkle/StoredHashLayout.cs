using System.Numerics;

namespace Pilotdeck.Transparency.Merkle;

/// <summary>
/// Where each stored hash lives in one dense, append-only sequence. When leaf n is appended we store
/// its leaf hash and then the hash of every complete subtree that leaf n finishes (one per trailing
/// 1-bit of n), so storage only ever grows at the end and every complete subtree has exactly one slot.
/// Go's sumdb/tlog uses the same order (Crosby and Wallach's), which keeps a store written by us
/// readable with Go's <c>StoredHashIndex</c>.
/// </summary>
public static class StoredHashLayout
{
    /// <summary>
    /// Slot of the complete subtree at <paramref name="level"/> (0 = a leaf) with position
    /// <paramref name="index"/> among the subtrees of that level, i.e. covering leaves
    /// [index·2^level, (index+1)·2^level).
    /// </summary>
    public static long IndexOf(int level, long index)
    {
        if (level < 0 || level > 62 || index < 0 || index > (long.MaxValue >> (level + 2)))
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"No stored hash at level {level}, index {index}.");
        }
        // The subtree is finished by its last leaf, and stored 'level' slots after that leaf's own hash.
        var lastLeaf = ((index + 1) << level) - 1;
        return SlotsBefore(lastLeaf) + level;
    }

    /// <summary>Number of hashes stored for a tree of <paramref name="treeSize"/> leaves.</summary>
    public static long CountFor(long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        return SlotsBefore(treeSize);
    }

    // Leaf i stores 1 + (trailing zeroes of i+1) hashes; summed over i < n that is n + (n - popcount(n))
    // by Legendre's formula for the power of two in n!.
    private static long SlotsBefore(long leaf) => 2 * leaf - BitOperations.PopCount((ulong)leaf);
}
