using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc.Tests.Wire;

public class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("1n", 1L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void TryParse_ValidUnit_ReturnsTicks(string text, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    [InlineData("1.5S")]
    [InlineData(" 5S")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.False(GrpcTimeout.TryParse(text, out _));
    }

    [Fact]
    public void Format_SmallTimeout_UsesNanoseconds()
    {
        Assert.Equal("50000000n", GrpcTimeout.Format(TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void Format_LargeTimeout_RoundsUpToCoarserUnit()
    {
        // 100 s + 100 ns needs 12 digits in n and 9 in u, so milliseconds it is, rounded up.
        Assert.Equal("100001m", GrpcTimeout.Format(TimeSpan.FromSeconds(100) + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Format_ExpiredDeadline_IsOneNanosecond()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-3)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(86_400_000)]
    [InlineData(5_000_000_000)]
    public void Format_ThenParse_NeverShortensTheTimeout(long milliseconds)
    {
        var original = TimeSpan.FromMilliseconds(milliseconds);
        var text = GrpcTimeout.Format(original);
        Assert.InRange(text.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(text, out var parsed));
        Assert.True(parsed >= original, $"{text} parsed to {parsed}, shorter than {original}");
    }
}
