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
    public static byte[] Canonical(ReceiptRecord receipt) => Encoding.UTF8.GetBytes(Body(receipt, receipt.Id));

    /// <summary>
    /// The id: the first 16 bytes of SHA-256 over the canonical form without the id line, in hex.
    /// Deterministic, so a receipt whose fields were altered no longer matches its own id.
    /// </summary>
    public static string IdOf(ReceiptRecord receipt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body(receipt, id: null)))[..16]);

    private static string Body(ReceiptRecord receipt, string? id)
    {
        var text = new StringBuilder(Header).Append('\n');
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
        Line(text, "time", receipt.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        Line(text, "content-sha256", Convert.ToHexStringLower(receipt.ContentSha256));
        return text.ToString();
    }

    private static void Line(StringBuilder text, string key, string? value)
    {
        // Values are identifiers; a line break inside one would let a field forge the next line.
        if (value is not null && (value.Contains('\n') || value.Contains('\r')))
        {
            throw new ArgumentException($"Receipt field '{key}' must not contain a line break.", key);
        }

        text.Append(key).Append(' ').Append(string.IsNullOrEmpty(value) ? "-" : value).Append('\n');
    }
}
