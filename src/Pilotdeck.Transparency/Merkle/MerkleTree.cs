using System.Numerics;

namespace Pilotdeck.Transparency.Merkle;

/// <summary>
/// RFC 9162 §2.1 Merkle tree operations over stored hashes (<see cref="StoredHashLayout"/>). Each
/// operation first works out which complete subtrees it needs, reads them in one
/// <see cref="IHashReader"/> call (at most about 2·log₂ n slots), then hashes. No leaf data is read.
/// </summary>
public static class MerkleTree
{
    /// <summary>
    /// The hashes to store, in slot order from <see cref="StoredHashLayout.IndexOf"/>(0, leafIndex),
    /// when appending leaf <paramref name="leafIndex"/>: its leaf hash, then each subtree it completes.
    /// The reader must already hold the hashes of leaves 0 … leafIndex−1.
    /// </summary>
    public static async ValueTask<IReadOnlyList<LogHash>> HashesToStoreAsync(
        long leafIndex, LogHash leafHash, IHashReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        // Each trailing 1-bit of the index means this leaf closes a subtree whose left half is stored.
        var completed = BitOperations.TrailingZeroCount(~(ulong)leafIndex);
        var leftSlots = new long[completed];
        for (var level = 0; level < completed; level++)
        {
            leftSlots[level] = StoredHashLayout.IndexOf(level, (leafIndex >> level) - 1);
        }
        var lefts = completed == 0 ? [] : await reader.ReadHashesAsync(leftSlots, cancellationToken);
        var result = new LogHash[completed + 1];
        result[0] = leafHash;
        for (var level = 0; level < completed; level++)
        {
            result[level + 1] = LogHash.OfNode(lefts[level], result[level]);
        }
        return result;
    }

    /// <summary>The leaf hash stored for <paramref name="leafIndex"/>.</summary>
    public static async ValueTask<LogHash> LeafHashAsync(long leafIndex, IHashReader reader, CancellationToken cancellationToken = default)
    {
        var hashes = await reader.ReadHashesAsync([StoredHashLayout.IndexOf(0, leafIndex)], cancellationToken);
        return hashes[0];
    }

    /// <summary>Root hash of the first <paramref name="treeSize"/> leaves (the empty-tree hash for 0).</summary>
    public static async ValueTask<LogHash> RootAsync(long treeSize, IHashReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        if (treeSize == 0)
        {
            return LogHash.EmptyTree;
        }
        var hashes = await ReadRangesAsync([[new LeafRange(0, treeSize)]], reader, cancellationToken);
        return hashes[0][0];
    }

    /// <summary>
    /// RFC 9162 §2.1.3.1 inclusion proof (audit path) that leaf <paramref name="leafIndex"/> is in the
    /// tree of <paramref name="treeSize"/> leaves; ordered from the leaf's sibling up to the root's child.
    /// </summary>
    public static async ValueTask<IReadOnlyList<LogHash>> ProveInclusionAsync(
        long leafIndex, long treeSize, IHashReader reader, CancellationToken cancellationToken = default) =>
        (await ProveInclusionsAsync([leafIndex], treeSize, reader, cancellationToken))[0];

    /// <summary>
    /// The inclusion proofs of several leaves in the same tree, in the order of
    /// <paramref name="leafIndexes"/>, from one <see cref="IHashReader"/> call for all of them: a page
    /// of receipts costs one read, not one per receipt.
    /// </summary>
    public static ValueTask<IReadOnlyList<IReadOnlyList<LogHash>>> ProveInclusionsAsync(
        IReadOnlyList<long> leafIndexes, long treeSize, IHashReader reader, CancellationToken cancellationToken = default)
    {
        var proofs = new List<LeafRange>[leafIndexes.Count];
        for (var i = 0; i < proofs.Length; i++)
        {
            var leafIndex = leafIndexes[i];
            if (leafIndex < 0 || leafIndex >= treeSize)
            {
                throw new ArgumentOutOfRangeException(nameof(leafIndexes), $"Leaf {leafIndex} is not in a tree of {treeSize} leaves.");
            }
            proofs[i] = [];
            AddInclusionRanges(leafIndex, 0, treeSize, proofs[i]);
        }
        return ReadRangesAsync(proofs, reader, cancellationToken);
    }

    /// <summary>
    /// RFC 9162 §2.1.4.1 consistency proof that the tree of <paramref name="oldSize"/> leaves is a
    /// prefix of the tree of <paramref name="newSize"/> leaves. Empty when the sizes are equal.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 1 ≤ oldSize ≤ newSize; every tree extends the empty one, so there is nothing to prove from 0.</exception>
    public static async ValueTask<IReadOnlyList<LogHash>> ProveConsistencyAsync(
        long oldSize, long newSize, IHashReader reader, CancellationToken cancellationToken = default)
    {
        if (oldSize < 1 || oldSize > newSize)
        {
            throw new ArgumentOutOfRangeException(nameof(oldSize), $"No consistency proof from size {oldSize} to size {newSize}.");
        }
        var ranges = new List<LeafRange>();
        AddConsistencyRanges(oldSize, 0, newSize, oldIsWholeSubtree: true, ranges);
        return (await ReadRangesAsync([ranges], reader, cancellationToken))[0];
    }

    // RFC 9162's PATH(m, D[lo:hi]): descend towards the leaf; the subtree not taken at each split is a
    // proof element, appended after the deeper ones so the path reads bottom-up.
    private static void AddInclusionRanges(long leafIndex, long lo, long hi, List<LeafRange> ranges)
    {
        if (hi - lo == 1)
        {
            return;
        }
        var split = lo + LargestPowerOfTwoBelow(hi - lo);
        if (leafIndex < split)
        {
            AddInclusionRanges(leafIndex, lo, split, ranges);
            ranges.Add(new LeafRange(split, hi));
        }
        else
        {
            AddInclusionRanges(leafIndex, split, hi, ranges);
            ranges.Add(new LeafRange(lo, split));
        }
    }

    // RFC 9162's SUBPROOF(m, D[lo:hi], b), with oldSize counted from 0 rather than from lo.
    private static void AddConsistencyRanges(long oldSize, long lo, long hi, bool oldIsWholeSubtree, List<LeafRange> ranges)
    {
        if (oldSize == hi)
        {
            // The verifier already knows this subtree's hash when it is the whole old tree.
            if (!oldIsWholeSubtree)
            {
                ranges.Add(new LeafRange(lo, hi));
            }
            return;
        }
        var split = lo + LargestPowerOfTwoBelow(hi - lo);
        if (oldSize <= split)
        {
            AddConsistencyRanges(oldSize, lo, split, oldIsWholeSubtree, ranges);
            ranges.Add(new LeafRange(split, hi));
        }
        else
        {
            AddConsistencyRanges(oldSize, split, hi, oldIsWholeSubtree: false, ranges);
            ranges.Add(new LeafRange(lo, split));
        }
    }

    /// <summary>Each list of ranges folded into one hash per range, every slot they need read in one call.</summary>
    private static async ValueTask<IReadOnlyList<IReadOnlyList<LogHash>>> ReadRangesAsync(
        IReadOnlyList<List<LeafRange>> rangeLists, IHashReader reader, CancellationToken cancellationToken)
    {
        var slots = new List<long>();
        foreach (var range in rangeLists.SelectMany(ranges => ranges))
        {
            range.AddSubtreeSlots(slots);
        }
        var hashes = slots.Count == 0 ? [] : await reader.ReadHashesAsync(slots, cancellationToken);
        if (hashes.Count != slots.Count)
        {
            throw new InvalidOperationException($"The hash reader returned {hashes.Count} hashes for {slots.Count} slots.");
        }
        var results = new LogHash[rangeLists.Count][];
        var next = 0;
        for (var list = 0; list < rangeLists.Count; list++)
        {
            var ranges = rangeLists[list];
            results[list] = new LogHash[ranges.Count];
            for (var i = 0; i < ranges.Count; i++)
            {
                var count = ranges[i].SubtreeCount;
                results[list][i] = LeafRange.Fold(hashes, next, count);
                next += count;
            }
        }
        return results;
    }

    /// <summary>Largest power of two strictly below <paramref name="n"/> (n ≥ 2): RFC 9162's split point k.</summary>
    internal static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>Leaves [Start, End). Every range the proofs need starts on a boundary that splits it into complete subtrees, largest first.</summary>
    private readonly record struct LeafRange(long Start, long End)
    {
        public int SubtreeCount => BitOperations.PopCount((ulong)(End - Start));

        public void AddSubtreeSlots(List<long> slots)
        {
            var start = Start;
            while (start < End)
            {
                var level = 63 - BitOperations.LeadingZeroCount((ulong)(End - start));
                if ((start & ((1L << level) - 1)) != 0)
                {
                    throw new InvalidOperationException($"Leaves [{Start}, {End}) do not split into aligned subtrees.");
                }
                slots.Add(StoredHashLayout.IndexOf(level, start >> level));
                start += 1L << level;
            }
        }

        // MTH of the range: the largest subtree on the left, the hash of the rest on the right.
        public static LogHash Fold(IReadOnlyList<LogHash> hashes, int first, int count)
        {
            var hash = hashes[first + count - 1];
            for (var i = first + count - 2; i >= first; i--)
            {
                hash = LogHash.OfNode(hashes[i], hash);
            }
            return hash;
        }
    }
}
