using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Pilotdeck.Server.Features.Sessions;

/// <summary>
/// The media type of an attachment judged by its first bytes, for the types attachments accept:
/// transcripts (plain UTF-8 text, WebVTT, SubRip), PDF, PNG, JPEG, and MP4, WebM and QuickTime
/// recordings. A small signature table rather than a library: docs/adr/0016 says why.
/// </summary>
public static partial class ContentSniffer
{
    public const string PlainText = "text/plain";
    public const string WebVtt = "text/vtt";
    public const string SubRip = "application/x-subrip";
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Mp4 = "video/mp4";
    public const string WebM = "video/webm";
    public const string QuickTime = "video/quicktime";

    /// <summary>How many leading bytes <see cref="Sniff"/> looks at (fewer when the file is shorter).</summary>
    public const int HeadSize = 4096;

    public static readonly IReadOnlyList<string> Accepted = [PlainText, WebVtt, SubRip, Pdf, Png, Jpeg, Mp4, WebM, QuickTime];

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] EbmlSignature = [0x1A, 0x45, 0xDF, 0xA3];
    private static readonly SearchValues<byte> BinaryControls =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Where(b => b is not ('\t' or '\n' or '\r' or '\f')).Select(b => (byte)b)]);

    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // ISO base media brands that are not video: HEIF/AVIF images and M4A/M4B audio.
    private static readonly HashSet<string> NonVideoBrands = ["heic", "heix", "mif1", "msf1", "avif", "M4A ", "M4B "];

    // QuickTime files written before the ftyp box existed start with one of these atoms.
    private static readonly HashSet<string> ClassicQuickTimeAtoms = ["moov", "mdat", "wide", "free", "skip", "pnot"];

    /// <summary>A declared type in canonical form: lowercase, without parameters such as <c>; charset=utf-8</c>.</summary>
    public static string Canonical(string declared) => declared.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>
    /// Whether content of the detected type may be stored as <paramref name="declared"/>: the same
    /// type, or any transcript as text/plain (a WebVTT file is plain text too).
    /// </summary>
    public static bool Matches(string declared, string? detected) =>
        detected == declared || (declared == PlainText && detected is WebVtt or SubRip);

    /// <summary>
    /// The type of content starting with <paramref name="head"/>, or null when it is none of the
    /// accepted ones. <paramref name="complete"/> says the head is the whole file, so a UTF-8
    /// sequence cut at its end is an error rather than the edge of the sample.
    /// </summary>
    public static string? Sniff(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        if (head.StartsWith(PngSignature))
        {
            return Png;
        }

        if (head.StartsWith(JpegSignature))
        {
            return Jpeg;
        }

        if (head.StartsWith(EbmlSignature))
        {
            // The EBML header names its document type early: "webm" (Matroska proper is not accepted).
            return head[..Math.Min(head.Length, 64)].IndexOf("webm"u8) >= 0 ? WebM : null;
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head[8..12]);
            return brand == "qt  " ? QuickTime : NonVideoBrands.Contains(brand) ? null : Mp4;
        }

        if (head.Length >= 8 && ClassicQuickTimeAtoms.Contains(Encoding.ASCII.GetString(head[4..8])))
        {
            return QuickTime;
        }

        return TextType(head, complete);
    }

    private static string? TextType(ReadOnlySpan<byte> head, bool complete)
    {
        // Transcripts hold no control characters but tab, line breaks and form feed; binary formats
        // (a ZIP's "PK\x03\x04") soon do.
        if (head.IsEmpty || head.IndexOfAny(BinaryControls) >= 0)
        {
            return null;
        }

        var body = head.StartsWith(Utf8Bom) ? head[Utf8Bom.Length..] : head;
        string text;
        try
        {
            var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
            var chars = new char[decoder.GetCharCount(body, flush: complete)];
            decoder.GetChars(body, chars, flush: complete);
            text = new string(chars);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        if (WebVttHeader().IsMatch(text))
        {
            return WebVtt;
        }

        return SubRipCue().IsMatch(text) ? SubRip : PlainText;
    }

    [GeneratedRegex(@"\AWEBVTT(?:[ \t\r\n]|\z)", RegexOptions.CultureInvariant)]
    private static partial Regex WebVttHeader();

    // A SubRip file opens with a cue: its number, then "00:00:01,000 --> 00:00:04,000".
    [GeneratedRegex(@"\A\s*\d+\r?\n\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}", RegexOptions.CultureInvariant)]
    private static partial Regex SubRipCue();
}
