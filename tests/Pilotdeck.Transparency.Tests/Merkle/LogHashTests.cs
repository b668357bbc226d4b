using Pilotdeck.Transparency.Merkle;

namespace Pilotdeck.Transparency.Tests.Merkle;

public sealed class LogHashTests
{
    [Fact]
    public void OfLeafAndOfNode_DomainSeparation_GiveDifferentHashesForTheSameBytes()
    {
        var left = LogHash.OfLeaf([1]);
        var right = LogHash.OfLeaf([2]);
        var concatenated = new byte[2 * LogHash.Size];
        left.Bytes.CopyTo(concatenated);
        right.Bytes.CopyTo(concatenated.AsSpan(LogHash.Size));

        // A leaf whose data is two hashes must not collide with the node over those two hashes.
        Assert.NotEqual(LogHash.OfNode(left, right), LogHash.OfLeaf(concatenated));
    }

    [Fact]
    public void FromBase64_ToBase64_RoundTrips()
    {
        var hash = LogHash.OfLeaf([42]);

        Assert.Equal(hash, LogHash.FromBase64(hash.ToBase64()));
        Assert.Equal(hash, LogHash.FromHex(hash.ToHex()));
        Assert.Equal(hash.GetHashCode(), LogHash.FromBase64(hash.ToBase64()).GetHashCode());
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void FromBase64_NotAHash_Throws(string text) => Assert.Throws<FormatException>(() => LogHash.FromBase64(text));

    [Fact]
    public void Constructor_WrongLength_Throws() => Assert.Throws<ArgumentException>(() => new LogHash(new byte[31]));

    [Fact]
    public void Default_IsAllZeroes() => Assert.Equal(new LogHash(new byte[LogHash.Size]), default);
}
