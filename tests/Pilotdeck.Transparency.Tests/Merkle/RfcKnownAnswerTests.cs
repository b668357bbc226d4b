using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Transparency.Tests.Merkle;

/// <summary>
/// The eight-leaf reference tree that RFC 6962 implementations share as test data (leaf inputs
/// below), with its roots and a few proofs. Go's sumdb/tlog computes the same values.
/// </summary>
public sealed class RfcKnownAnswerTests
{
    private static readonly string[] LeafInputsHex =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] RootsHex =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    public static TheoryData<long, long, string[]> InclusionVectors => new()
    {
        { 0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7", "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 6, 8, ["46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1", "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 0, 1, [] },
    };

    public static TheoryData<long, long, string[]> ConsistencyVectors => new()
    {
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 3, 7, ["0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7", "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7", "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125", "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"] },
        { 8, 8, [] },
    };

    [Fact]
    public void EmptyTree_IsSha256OfNothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", LogHash.EmptyTree.ToHex());

    [Fact]
    public async Task Root_EmptyStore_IsEmptyTreeHash() =>
        Assert.Equal(LogHash.EmptyTree, await MerkleTree.RootAsync(0, new InMemoryHashStore()));

    [Fact]
    public async Task Root_ReferenceTreeEverySize_MatchesKnownRoots()
    {
        var store = await BuildReferenceTreeAsync();
        for (var size = 1; size <= RootsHex.Length; size++)
        {
            Assert.Equal(RootsHex[size - 1], (await MerkleTree.RootAsync(size, store)).ToHex());
        }
    }

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public async Task InclusionProof_ReferenceTree_MatchesKnownPathAndVerifies(long index, long size, string[] expected)
    {
        var store = await BuildReferenceTreeAsync();
        var proof = await MerkleTree.ProveInclusionAsync(index, size, store);

        Assert.Equal(expected, proof.Select(h => h.ToHex()));
        var leaf = LogHash.OfLeaf(Convert.FromHexString(LeafInputsHex[index]));
        Assert.True(MerkleProof.VerifyInclusion(leaf, index, size, proof, LogHash.FromHex(RootsHex[size - 1])));
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public async Task ConsistencyProof_ReferenceTree_MatchesKnownProofAndVerifies(long oldSize, long newSize, string[] expected)
    {
        var store = await BuildReferenceTreeAsync();
        var proof = await MerkleTree.ProveConsistencyAsync(oldSize, newSize, store);

        Assert.Equal(expected, proof.Select(h => h.ToHex()));
        Assert.True(MerkleProof.VerifyConsistency(
            oldSize, LogHash.FromHex(RootsHex[oldSize - 1]), newSize, LogHash.FromHex(RootsHex[newSize - 1]), proof));
    }

    private static async Task<InMemoryHashStore> BuildReferenceTreeAsync()
    {
        var store = new InMemoryHashStore();
        foreach (var hex in LeafInputsHex)
        {
            await store.AppendAsync(Convert.FromHexString(hex));
        }
        return store;
    }
}
