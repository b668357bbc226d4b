using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Transparency.Tests.Merkle;

/// <summary>Generation (recursive, over stored hashes) against verification (the RFC's bit walk), exhaustively for small trees.</summary>
public sealed class ProofRoundTripTests
{
    private const int MaxSize = 70; // past 64 so a tree of more than one complete 64-leaf subtree is covered

    [Fact]
    public async Task Root_EverySizeToMax_EqualsNaiveRecursiveRoot()
    {
        var store = await TestTrees.BuildAsync(MaxSize);
        var leaves = TestTrees.LeafHashes(MaxSize);
        for (var size = 0; size <= MaxSize; size++)
        {
            Assert.Equal(TestTrees.NaiveRoot(leaves.Take(size).ToList()), await MerkleTree.RootAsync(size, store));
        }
    }

    [Fact]
    public async Task InclusionProof_EverySizeAndIndex_Verifies()
    {
        await foreach (var (index, size, leaf, proof, root) in EveryInclusionProofAsync())
        {
            Assert.True(MerkleProof.VerifyInclusion(leaf, index, size, proof, root), $"leaf {index} of {size}");
        }
    }

    [Fact]
    public async Task InclusionProof_Tampered_IsRejected()
    {
        await foreach (var (index, size, leaf, proof, root) in EveryInclusionProofAsync())
        {
            var context = $"leaf {index} of {size}";
            for (var element = 0; element < proof.Count; element++)
            {
                Assert.False(MerkleProof.VerifyInclusion(leaf, index, size, TestTrees.FlipByte(proof, element), root), context);
            }
            Assert.False(MerkleProof.VerifyInclusion(leaf, index, size, [.. proof, root], root), context);
            if (proof.Count > 0)
            {
                Assert.False(MerkleProof.VerifyInclusion(leaf, index, size, proof.Take(proof.Count - 1).ToList(), root), context);
                Assert.False(MerkleProof.VerifyInclusion(leaf, index ^ 1, size, proof, root), context);
            }
            Assert.False(MerkleProof.VerifyInclusion(LogHash.OfLeaf([0xFF]), index, size, proof, root), context);
            Assert.False(MerkleProof.VerifyInclusion(leaf, index, size, proof, LogHash.EmptyTree), context);
            Assert.False(MerkleProof.VerifyInclusion(leaf, size, size, proof, root), context);
        }
    }

    [Fact]
    public async Task ConsistencyProof_EveryPairOfSizes_Verifies()
    {
        var store = await TestTrees.BuildAsync(MaxSize);
        var roots = await RootsAsync(store);
        for (var newSize = 1; newSize <= MaxSize; newSize++)
        {
            for (var oldSize = 1; oldSize <= newSize; oldSize++)
            {
                var proof = await MerkleTree.ProveConsistencyAsync(oldSize, newSize, store);
                Assert.True(MerkleProof.VerifyConsistency(oldSize, roots[oldSize], newSize, roots[newSize], proof), $"{oldSize} -> {newSize}");
            }
        }
    }

    [Fact]
    public async Task ConsistencyProof_Tampered_IsRejected()
    {
        var store = await TestTrees.BuildAsync(MaxSize);
        var roots = await RootsAsync(store);
        for (var newSize = 2; newSize <= MaxSize; newSize++)
        {
            for (var oldSize = 1; oldSize < newSize; oldSize++)
            {
                var proof = await MerkleTree.ProveConsistencyAsync(oldSize, newSize, store);
                var context = $"{oldSize} -> {newSize}";
                for (var element = 0; element < proof.Count; element++)
                {
                    Assert.False(MerkleProof.VerifyConsistency(oldSize, roots[oldSize], newSize, roots[newSize], TestTrees.FlipByte(proof, element)), context);
                }
                Assert.False(MerkleProof.VerifyConsistency(oldSize, roots[oldSize], newSize, roots[newSize], proof.Take(proof.Count - 1).ToList()), context);
                Assert.False(MerkleProof.VerifyConsistency(oldSize, roots[oldSize], newSize, roots[newSize], [.. proof, roots[1]]), context);
                // A forked old root, or the proof offered for other sizes, must not pass.
                Assert.False(MerkleProof.VerifyConsistency(oldSize, roots[newSize], newSize, roots[newSize], proof), context);
                Assert.False(MerkleProof.VerifyConsistency(oldSize, roots[oldSize], newSize, roots[oldSize], proof), context);
                if (newSize < MaxSize)
                {
                    Assert.False(MerkleProof.VerifyConsistency(oldSize, roots[oldSize], newSize + 1, roots[newSize + 1], proof), context);
                }
            }
        }
    }

    [Fact]
    public void Consistency_FromEmptyTree_NeedsNoProof()
    {
        Assert.True(MerkleProof.VerifyConsistency(0, LogHash.EmptyTree, 5, LogHash.OfLeaf([1]), []));
        Assert.False(MerkleProof.VerifyConsistency(0, LogHash.OfLeaf([1]), 5, LogHash.OfLeaf([1]), []));
    }

    [Fact]
    public async Task Prove_OutOfRangeArguments_Throw()
    {
        var store = await TestTrees.BuildAsync(4);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await MerkleTree.ProveInclusionAsync(4, 4, store));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await MerkleTree.ProveConsistencyAsync(0, 4, store));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await MerkleTree.ProveConsistencyAsync(5, 4, store));
        // A size the store has not reached yet is a missing slot, not a wrong answer.
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await MerkleTree.RootAsync(5, store));
    }

    [Fact]
    public async Task Reads_ForRootAndProofs_StayLogarithmic()
    {
        var store = await TestTrees.BuildAsync(1000);
        var counting = new CountingReader(store);

        await MerkleTree.RootAsync(999, counting);
        await MerkleTree.ProveInclusionAsync(517, 999, counting);
        await MerkleTree.ProveConsistencyAsync(333, 999, counting);

        Assert.Equal(3, counting.Calls);
        Assert.All(counting.SlotsPerCall, slots => Assert.InRange(slots, 1, 2 * 10));
    }

    [Fact]
    public async Task InclusionProofs_OfSeveralLeaves_AreEachLeafsOwnProof_FromOneRead()
    {
        var store = await TestTrees.BuildAsync(1000);
        var counting = new CountingReader(store);
        long[] leaves = [998, 0, 517, 517, 256];

        var proofs = await MerkleTree.ProveInclusionsAsync(leaves, 999, counting);

        Assert.Equal(1, counting.Calls);
        Assert.Equal(leaves.Length, proofs.Count);
        for (var i = 0; i < leaves.Length; i++)
        {
            Assert.Equal(await MerkleTree.ProveInclusionAsync(leaves[i], 999, store), proofs[i]);
        }

        Assert.Empty(await MerkleTree.ProveInclusionsAsync([], 999, counting));
        Assert.Equal(1, counting.Calls);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await MerkleTree.ProveInclusionsAsync([3, 999], 999, counting));
    }

    private static async IAsyncEnumerable<(long Index, long Size, LogHash Leaf, IReadOnlyList<LogHash> Proof, LogHash Root)> EveryInclusionProofAsync()
    {
        var store = await TestTrees.BuildAsync(MaxSize);
        for (var size = 1; size <= MaxSize; size++)
        {
            var root = await MerkleTree.RootAsync(size, store);
            for (var index = 0; index < size; index++)
            {
                yield return (index, size, await MerkleTree.LeafHashAsync(index, store), await MerkleTree.ProveInclusionAsync(index, size, store), root);
            }
        }
    }

    private static async Task<LogHash[]> RootsAsync(InMemoryHashStore store)
    {
        var roots = new LogHash[store.TreeSize + 1];
        for (var size = 0; size <= store.TreeSize; size++)
        {
            roots[size] = await MerkleTree.RootAsync(size, store);
        }
        return roots;
    }

    private sealed class CountingReader(IHashReader inner) : IHashReader
    {
        public int Calls { get; private set; }

        public List<int> SlotsPerCall { get; } = [];

        public ValueTask<IReadOnlyList<LogHash>> ReadHashesAsync(IReadOnlyList<long> slots, CancellationToken cancellationToken = default)
        {
            Calls++;
            SlotsPerCall.Add(slots.Count);
            return inner.ReadHashesAsync(slots, cancellationToken);
        }
    }
}
