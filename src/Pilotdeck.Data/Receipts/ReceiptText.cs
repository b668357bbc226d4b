using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pilotdeck.Data.Receipts;

/// <summary>
/// The canonical bytes of a receipt: what its id is derived from and what the tenant's Merkle log
/// hashes as the leaf. UTF-8 text, one <c>key value</c> pair per line in a fixed order, each line
/// ending in a newline; absent values are <c>-</c>; time is UTC with milliseconds. Text rather than
/// JSON or protobuf so that anyone can reproduce it by hand from a receipt's fields.
/// </summary>
public static class ReceiptText
{
    public const string Header = "pilotdeck-receipt/v1";

    /// <summary>The full canonical form, id line included: the log's leaf data.</summary>
    public static byte[] Canonical(ReceiptRecord receipt)
    {
        var text = new ArrayBufferWriter<byte>(TypicalSize);
        Write(text, receipt, receipt.Id);
        return text.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The id: the first 16 bytes of SHA-256 over the canonical form without the id line, in hex.
    /// Deterministic, so a receipt whose fields were altered no longer matches its own id.
    /// </summary>
    public static string IdOf(ReceiptRecord receipt)
    {
        // Written as UTF-8 straight into one buffer: an import's commit computes one per row.
        var text = new ArrayBufferWriter<byte>(TypicalSize);
        Write(text, receipt, id: null);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(text.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Bytes that hold a receipt of usual field lengths without growing the buffer.</summary>
    private const int TypicalSize = 512;

    private static void Write(IBufferWriter<byte> text, ReceiptRecord receipt, string? id)
    {
        Encoding.UTF8.GetBytes(Header, text);
        text.Write("\n"u8);
        if (id is not null)
        {
            Line(text, "id", id);
        }

        Line(text, "tenant", receipt.TenantId);
        Line(text, "actor", receipt.Actor);
        Line(text, "action", receipt.Action);
        Line(text, "subject", receipt.Subject);
        Line(text, "request", receipt.RequestId);
        Line(text, "decision", receipt.DecisionId);
        Span<char> time = stackalloc char[32];
        receipt.CreatedAt.UtcDateTime.TryFormat(time, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        Line(text, "time", time[..written]);
        var hex = receipt.ContentSha256.Length <= 64 ? stackalloc char[128] : new char[receipt.ContentSha256.Length * 2];
        Convert.TryToHexStringLower(receipt.ContentSha256, hex, out written);
        Line(text, "content-sha256", hex[..written]);
    }

    private static void Line(IBufferWriter<byte> text, string key, ReadOnlySpan<char> value)
    {
        // Values are identifiers; a line break inside one would let a field forge the next line.
        if (value.ContainsAny('\n', '\r'))
        {
            throw new ArgumentException($"Receipt field '{key}' must not contain a line break.", key);
        }

        Encoding.UTF8.GetBytes(key, text);
        text.Write(" "u8);
        Encoding.UTF8.GetBytes(value.IsEmpty ? "-" : value, text);
        text.Write("\n"u8);
    }
}
