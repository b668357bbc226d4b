using System.Text;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Transparency.Tests.Merkle;

/// <summary>Trees for the tests, and a third, deliberately naive reading of RFC 9162's MTH to compare against.</summary>
internal static class TestTrees
{
    public static byte[] LeafData(long index) => Encoding.UTF8.GetBytes($"receipt {index}");

    public static async Task<InMemoryHashStore> BuildAsync(int size)
    {
        var store = new InMemoryHashStore();
        for (var i = 0; i < size; i++)
        {
            await store.AppendAsync(LeafData(i));
        }
        return store;
    }

    /// <summary>MTH(D[n]) straight from the RFC's definition, recursing over leaf hashes.</summary>
    public static LogHash NaiveRoot(IReadOnlyList<LogHash> leaves)
    {
        if (leaves.Count == 0)
        {
            return LogHash.EmptyTree;
        }
        if (leaves.Count == 1)
        {
            return leaves[0];
        }
        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }
        return LogHash.OfNode(NaiveRoot(leaves.Take(k).ToList()), NaiveRoot(leaves.Skip(k).ToList()));
    }

    public static List<LogHash> LeafHashes(int size) => Enumerable.Range(0, size).Select(i => LogHash.OfLeaf(LeafData(i))).ToList();

    /// <summary>The same proof with one byte of one element changed.</summary>
    public static List<LogHash> FlipByte(IReadOnlyList<LogHash> proof, int element)
    {
        var copy = proof.ToList();
        var bytes = copy[element].Bytes.ToArray();
        bytes[element % LogHash.Size] ^= 0x01;
        copy[element] = new LogHash(bytes);
        return copy;
    }
}
