using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc.Tests.Wire;

public class PercentEncodingTests
{
    [Fact]
    public void Encode_PrintableAscii_Unchanged()
    {
        Assert.Equal("plain message: ok!", PercentEncoding.Encode("plain message: ok!"));
    }

    [Fact]
    public void Encode_PercentAndNonAscii_AreEscapedAsUtf8()
    {
        Assert.Equal("100%25 caf%C3%A9%0A", PercentEncoding.Encode("100% café\n"));
    }

    [Fact]
    public void Decode_InteropSpecialMessage_RoundTrips()
    {
        // The interop special_status_message case: tab, CR, LF, a Unicode mix and an emoji.
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
        Assert.Equal(message, PercentEncoding.Decode(PercentEncoding.Encode(message)));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%G1", "%G1")]
    [InlineData("50%", "50%")]
    [InlineData("a%2", "a%2")]
    [InlineData("%41%42", "AB")]
    public void Decode_MalformedEscape_KeptVerbatim(string encoded, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(encoded));
    }
}
