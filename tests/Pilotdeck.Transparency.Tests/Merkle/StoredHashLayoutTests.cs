using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Transparency.Tests.Merkle;

public sealed class StoredHashLayoutTests
{
    [Fact]
    public void IndexOf_FirstEightLeaves_InterleavesSubtreesAfterTheLeafThatCompletesThem()
    {
        // Append order: leaf0, leaf1, [0,2), leaf2, leaf3, [2,4), [0,4), leaf4, leaf5, [4,6), leaf6, leaf7, [6,8), [4,8), [0,8)
        (int Level, long Index)[] expected =
            [(0, 0), (0, 1), (1, 0), (0, 2), (0, 3), (1, 1), (2, 0), (0, 4), (0, 5), (1, 2), (0, 6), (0, 7), (1, 3), (2, 1), (3, 0)];

        Assert.Equal(Enumerable.Range(0, expected.Length).Select(i => (long)i), expected.Select(e => StoredHashLayout.IndexOf(e.Level, e.Index)));
        Assert.Equal(expected.Length, StoredHashLayout.CountFor(8));
    }

    [Fact]
    public async Task CountFor_EverySizeTo200_EqualsHashesTheStoreWrote()
    {
        var store = new InMemoryHashStore();
        for (var size = 1; size <= 200; size++)
        {
            await store.AppendAsync(TestTrees.LeafData(size));
            var count = StoredHashLayout.CountFor(size);
            // The last slot exists and the next does not.
            await store.ReadHashesAsync([count - 1]);
            await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.ReadHashesAsync([count]));
        }
    }

    [Fact]
    public async Task StoredSubtrees_EveryCompleteSubtree_HoldsItsMerkleRoot()
    {
        const int size = 64;
        var store = await TestTrees.BuildAsync(size);
        var leaves = TestTrees.LeafHashes(size);
        for (var level = 0; (1 << level) <= size; level++)
        {
            for (var index = 0; (index + 1) << level <= size; index++)
            {
                var slot = StoredHashLayout.IndexOf(level, index);
                var stored = (await store.ReadHashesAsync([slot]))[0];
                Assert.Equal(TestTrees.NaiveRoot(leaves.Skip(index << level).Take(1 << level).ToList()), stored);
            }
        }
    }

    [Fact]
    public void IndexOf_NegativeOrOverflowing_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StoredHashLayout.IndexOf(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StoredHashLayout.IndexOf(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StoredHashLayout.IndexOf(40, long.MaxValue >> 20));
    }
}
