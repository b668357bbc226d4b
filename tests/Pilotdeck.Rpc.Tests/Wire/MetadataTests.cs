using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc.Tests.Wire;

public class MetadataTests
{
    [Fact]
    public void Add_UpperCaseKey_IsLowerCased()
    {
        var metadata = new Metadata().Add("X-Request-Id", "abc");
        Assert.Equal("x-request-id", metadata[0].Key);
        Assert.Equal("abc", metadata.GetValue("x-request-id"));
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData(":path")]
    [InlineData("ключ")]
    [InlineData("")]
    public void Entry_InvalidKey_Throws(string key)
    {
        Assert.Throws<ArgumentException>(() => new Metadata.Entry(key, "v"));
    }

    [Fact]
    public void Entry_BinaryKeyWithStringValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("trace-bin", "text"));
    }

    [Fact]
    public void Entry_BytesWithoutBinSuffix_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("trace", new byte[] { 1 }));
    }

    [Fact]
    public void Entry_NonPrintableAsciiValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("note", "line\nbreak"));
    }

    [Fact]
    public void Codec_BinaryValue_RoundTripsThroughUnpaddedBase64()
    {
        var bytes = new byte[] { 0xab, 0xab, 0xab };
        var header = MetadataCodec.ToHeaderValue(new Metadata.Entry("x-grpc-test-echo-trailing-bin", bytes));
        Assert.DoesNotContain("=", header);
        var decoded = new Metadata();
        MetadataCodec.AddFromHeader(decoded, "x-grpc-test-echo-trailing-bin", header);
        Assert.Equal(bytes, decoded.GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public void Codec_CommaJoinedBinaryValues_SplitIntoEntries()
    {
        var decoded = new Metadata();
        MetadataCodec.AddFromHeader(decoded, "k-bin", "AQ==, Ag");
        Assert.Equal(new[] { new byte[] { 1 }, new byte[] { 2 } }, decoded.GetAll("k-bin").Select(e => e.ValueBytes));
    }

    [Theory]
    [InlineData("grpc-status")]
    [InlineData("content-type")]
    [InlineData(":authority")]
    [InlineData("grpc-timeout")]
    [InlineData("te")]
    public void Codec_ReservedHeader_IsNotSurfacedAsMetadata(string name)
    {
        var decoded = new Metadata();
        MetadataCodec.AddFromHeader(decoded, name, "1");
        Assert.Empty(decoded);
    }

    [Fact]
    public void Codec_StatusDetails_RoundTrip()
    {
        var status = new Google.Rpc.Status { Code = 3, Message = "bad" };
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.ErrorInfo { Type = "COHORT_NOT_FOUND", Domain = "pilotdeck" }));
        var decoded = MetadataCodec.DecodeStatusDetails(MetadataCodec.EncodeStatusDetails(status));
        Assert.Equal(status, decoded);
    }

    [Fact]
    public void Frozen_Add_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Metadata.Empty.Add("a", "b"));
    }
}
