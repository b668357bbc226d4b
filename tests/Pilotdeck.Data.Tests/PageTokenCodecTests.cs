using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Pilotdeck.Data.Paging;

namespace Pilotdeck.Data.Tests;

public class PageTokenCodecTests
{
    private const string Filter = "cohort=spring;status=active";
    private readonly PageTokenCodec _codec = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Decode_TokenFromEncode_ReturnsLastKey()
    {
        var token = _codec.Encode("alpha", Filter, "0198f3b2-last");

        Assert.True(_codec.TryDecode(token, "alpha", Filter, out var lastKey));
        Assert.Equal("0198f3b2-last", lastKey);
    }

    [Fact]
    public void Decode_TokenFromOtherTenant_Rejected()
    {
        var token = _codec.Encode("alpha", Filter, "k");

        Assert.False(_codec.TryDecode(token, "beta", Filter, out _));
    }

    [Fact]
    public void Decode_TokenForOtherFilter_Rejected()
    {
        var token = _codec.Encode("alpha", Filter, "k");

        Assert.False(_codec.TryDecode(token, "alpha", "cohort=spring;status=dropped", out _));
    }

    [Fact]
    public void Decode_AnyFlippedBit_Rejected()
    {
        var bytes = Base64UrlEncoder.DecodeBytes(_codec.Encode("alpha", Filter, "key-42"));
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;
            Assert.False(_codec.TryDecode(Base64UrlEncoder.Encode(tampered), "alpha", Filter, out _), $"flipped byte {i}");
        }
    }

    [Fact]
    public void Decode_ForgedLastKeyWithoutMac_Rejected()
    {
        var forged = Base64UrlEncoder.Encode([1, .. "admin-key"u8.ToArray(), .. new byte[32]]);

        Assert.False(_codec.TryDecode(forged, "alpha", Filter, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !!")]
    [InlineData("AQ")]
    public void Decode_Malformed_Rejected(string token)
    {
        Assert.False(_codec.TryDecode(token, "alpha", Filter, out _));
    }

    [Fact]
    public void Decode_TokenFromCodecWithOtherKey_Rejected()
    {
        var other = new PageTokenCodec(RandomNumberGenerator.GetBytes(32));

        Assert.False(_codec.TryDecode(other.Encode("alpha", Filter, "k"), "alpha", Filter, out _));
    }
}
