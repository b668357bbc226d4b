using System.Globalization;
using System.Text;
using Pilotdeck.Server.Features.Sessions;

namespace Pilotdeck.Server.Tests.Features.Sessions;

public class ContentSnifferTests
{
    public static TheoryData<string, byte[]> Samples => new()
    {
        { "application/pdf", [.. "%PDF-1.7\n"u8] },
        { "image/png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] },
        { "image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F'] },
        { "video/mp4", [0, 0, 0, 0x20, .. "ftypmp42"u8, 0, 0, 0, 0] },
        { "video/quicktime", [0, 0, 0, 0x14, .. "ftypqt  "u8, 0, 0, 0, 0] },
        { "video/quicktime", [0, 0, 0, 0x08, .. "wide"u8, 0, 0, 0, 0] },
        { "video/webm", [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, .. "webm"u8] },
        { "text/vtt", [0xEF, 0xBB, 0xBF, .. "WEBVTT\n\n00:01.000 --> 00:04.000\nhello\n"u8] },
        { "application/x-subrip", [.. "1\r\n00:00:01,000 --> 00:00:04,000\r\nhello\r\n"u8] },
        { "text/plain", [.. Encoding.UTF8.GetBytes("Facilitator: 你好, how was it?\n")] },
    };

    [Theory, MemberData(nameof(Samples))]
    public void Sniff_KnownSignatures_GiveTheirType(string expected, byte[] head) =>
        Assert.Equal(expected, ContentSniffer.Sniff(head, complete: true));

    [Theory]
    [InlineData(new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x88, (byte)'m', (byte)'a', (byte)'t', (byte)'r', (byte)'o', (byte)'s', (byte)'k', (byte)'a' })]
    [InlineData(new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c' })]
    [InlineData(new byte[] { (byte)'a', 0, (byte)'b' })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 })]
    public void Sniff_OtherContent_IsUnrecognised(byte[] head) => Assert.Null(ContentSniffer.Sniff(head, complete: true));

    [Fact]
    public void Sniff_AUtf8SequenceCutAtTheEndOfTheSample_IsStillText_ButNotAtTheEndOfTheFile()
    {
        byte[] cut = [.. "transcript "u8, 0xE4, 0xBD];
        Assert.Equal("text/plain", ContentSniffer.Sniff(cut, complete: false));
        Assert.Null(ContentSniffer.Sniff(cut, complete: true));
    }

    [Theory]
    [InlineData("text/plain", "text/vtt", true)]
    [InlineData("text/plain", "application/x-subrip", true)]
    [InlineData("text/vtt", "text/plain", false)]
    [InlineData("video/mp4", "video/quicktime", false)]
    [InlineData("video/mp4", null, false)]
    public void Matches_TranscriptsMayBeDeclaredAsPlainText_NothingElseMayDiffer(string declared, string? detected, bool expected) =>
        Assert.Equal(expected, ContentSniffer.Matches(declared, detected));

    [Theory]
    [InlineData("2025-11-10T13:00:00+08:00", "2025-11-10T13:00:00+08:00", "2025-11-10T05:00:00Z")]
    [InlineData("2025-11-10 13:00+05:30", "2025-11-10T13:00:00+05:30", "2025-11-10T07:30:00Z")]
    [InlineData("2025-11-10T13:00:00.250z", "2025-11-10T13:00:00.250Z", "2025-11-10T13:00:00.250Z")]
    [InlineData("2025-11-10t13:00:00-00:30", "2025-11-10T13:00:00-00:30", "2025-11-10T13:30:00Z")]
    public void SessionDates_KeepTheOffsetTheyWereGivenWith(string typed, string shown, string utc)
    {
        var (instant, offset) = SessionMapping.ParseDate(typed, out var error)!.Value;
        Assert.Null(error);
        Assert.Equal(shown, SessionMapping.FormatDate(instant, offset));
        Assert.Equal(DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture), instant);
    }

    [Theory]
    [InlineData("2025-11-10T13:00:00", "has no UTC offset")]
    [InlineData("2025-11-10", "has no UTC offset")]
    [InlineData("", "is required")]
    [InlineData("10/11/2025 13:00 +08:00", "is required")]
    [InlineData("2025-02-30T13:00:00+08:00", "is not a real date")]
    [InlineData("2025-11-10T13:00:00+15:00", "is not a real date")]
    public void SessionDates_WithoutOffsetOrMalformed_AreRefusedWithTheExpectedFormat(string typed, string reason)
    {
        Assert.Null(SessionMapping.ParseDate(typed, out var error));
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
        Assert.Contains(SessionMapping.DateExample, error, StringComparison.Ordinal);
    }
}
