using Pilotdeck.Transparency.Bundles;
using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Transparency.Tests.Bundles;

/// <summary>The bundle's proof files: what the server writes reads back the same, and a damaged file is refused naming its line.</summary>
public sealed class EvidenceBundleFormatTests
{
    private static readonly LogHash[] Proof = [LogHash.OfLeaf("a"u8), LogHash.OfLeaf("b"u8)];

    [Fact]
    public void InclusionProof_Formatted_ParsesBackToTheSameNumbersAndHashes()
    {
        var text = EvidenceBundleFormat.FormatInclusionProof(3, 12, Proof);

        var (index, size, proof) = EvidenceBundleFormat.ParseProof(text, "leaf-index", "tree-size");

        Assert.StartsWith("leaf-index 3\ntree-size 12\n", text);
        Assert.Equal((3L, 12L), (index, size));
        Assert.Equal(Proof, proof);
    }

    [Fact]
    public void ConsistencyProof_Empty_HasOnlyItsTwoLines()
    {
        var text = EvidenceBundleFormat.FormatConsistencyProof(7, 7, []);

        Assert.Equal("from-size 7\nto-size 7\n", text);
        Assert.Empty(EvidenceBundleFormat.ParseProof(text, "from-size", "to-size").Proof);
    }

    [Theory]
    [InlineData("leaf-index 3\ntree-size 12\nnot-base64\n", "line 3 is not a base64 SHA-256 hash")]
    [InlineData("leaf-index x\ntree-size 12\n", "line 1 is not 'leaf-index <number>'")]
    [InlineData("from-size 3\ntree-size 12\n", "line 1 is not 'leaf-index <number>'")]
    [InlineData("leaf-index 3\ntree-size 12", "a proof file ends with a newline")]
    [InlineData("leaf-index 3\n", "a proof file starts with 'leaf-index' and 'tree-size' lines")]
    public void ParseProof_ADamagedFile_IsRefusedSayingWhere(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => EvidenceBundleFormat.ParseProof(text, "leaf-index", "tree-size"));

        Assert.Equal(message, error.Message);
    }
}
