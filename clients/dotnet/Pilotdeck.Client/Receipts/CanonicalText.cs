using System.Security.Cryptography;
using System.Text;

namespace Pilotdeck.Client.Receipts;

/// <summary>
/// Checks a receipt's canonical text (docs/receipts.md) on its own: the <c>pilotdeck-receipt/v1</c>
/// header, then the <c>id</c> line, whose value must be the first 16 bytes, in hex, of SHA-256 over
/// the text without that line. A changed byte anywhere in a receipt therefore shows here, before
/// any proof is looked at.
/// </summary>
public static class CanonicalText
{
    private const string Header = "pilotdeck-receipt/v1\n";

    /// <summary>Null when <paramref name="canonical"/> is the text of receipt <paramref name="expectedId"/>; else what is wrong.</summary>
    public static string? Check(ReadOnlySpan<byte> canonical, string expectedId)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(canonical);
        }
        catch (DecoderFallbackException)
        {
            return "its text is not valid UTF-8";
        }

        if (!text.StartsWith(Header, StringComparison.Ordinal))
        {
            return "its text does not start with the 'pilotdeck-receipt/v1' line";
        }

        var idLineEnd = text.IndexOf('\n', Header.Length);
        var idLine = idLineEnd < 0 ? "" : text[Header.Length..idLineEnd];
        if (!idLine.StartsWith("id ", StringComparison.Ordinal))
        {
            return "its second line is not the 'id' line";
        }

        var statedId = idLine[3..];
        if (statedId != expectedId)
        {
            return $"its text names the id {statedId}, not {expectedId}";
        }

        var withoutId = Header + text[(idLineEnd + 1)..];
        var derived = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(withoutId))[..16]);
        return derived == statedId ? null : $"its id does not match its text (the text hashes to {derived}): the receipt was altered";
    }
}
