using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// How a re-import recognises a row it applied before without checking it again
/// (docs/adr/0029-rows-recognised-by-their-digest.md). A row's digest covers the importer's rules
/// version, the import's options and the row's values; an importer stores it on the record it
/// creates or updates bound to the record's update time, so any later change to the record, by
/// any path, breaks the binding.
/// </summary>
public static class ImportDigests
{
    /// <summary>The digest of a row's values (empty and missing cells alike), with the options and rules they were read by.</summary>
    public static string OfRow(SourceRow row, string optionsJson, string kind, int rulesVersion)
    {
        var text = new StringBuilder(256);
        Part(text, "pilotdeck.import-row.v1");
        Part(text, kind);
        Part(text, rulesVersion.ToString(CultureInfo.InvariantCulture));
        Part(text, optionsJson);
        foreach (var value in row.Values)
        {
            // A missing cell and an empty one read the same (SourceRow's indexer), so they hash the same.
            Part(text, string.IsNullOrEmpty(value) ? "" : value);
        }

        return Hash(text.ToString());
    }

    /// <summary>
    /// The row digest bound to the time the record was last changed, to the microsecond: the
    /// precision every provider stores (PostgreSQL's timestamptz holds no more).
    /// </summary>
    public static string Bind(string rowDigest, DateTimeOffset updatedAt) =>
        Hash(rowDigest + "@" + (updatedAt.UtcTicks / 10).ToString(CultureInfo.InvariantCulture));

    // Each part length-prefixed, so no choice of values makes two rows hash alike.
    private static void Part(StringBuilder text, string part) => text.Append(part.Length).Append(':').Append(part);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
