using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// How a re-import recognises a row it applied before without checking it again
/// (docs/adr/0029-rows-recognised-by-their-digest.md). A row's digest covers the importer's kind
/// and rules version, the import's options and the row's values; an importer stores it on the
/// record it creates or updates bound to the record's update time, so any later change to the
/// record, by any path, breaks the binding. The row hashes are XXH128, not SHA-256, for speed (each
/// SHA-256 call into OpenSSL costs about a microsecond, and a row made two), and that is safe: a
/// recognition is only ever trusted by a dry-run, whose plan hash the commit (which checks every row
/// in full) must reproduce, so a colliding row can fail a commit but never change what it writes.
/// </summary>
public static class ImportDigests
{
    /// <summary>What every row's digest of one import starts with: the importer's kind and rules version, and the import's options.</summary>
    public static byte[] Header(string kind, int rulesVersion, string optionsJson) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"pilotdeck.import-row.v2\n{kind}\n{rulesVersion}\n{optionsJson}"));

    /// <summary>The digest of a row's values (an empty cell and a missing one alike) after <paramref name="header"/>.</summary>
    public static UInt128 OfRow(SourceRow row, byte[] header)
    {
        var length = header.Length;
        foreach (var value in row.Values)
        {
            length += 4 + Encoding.UTF8.GetMaxByteCount(value?.Length ?? 0);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            header.CopyTo(buffer, 0);
            var at = header.Length;
            foreach (var value in row.Values)
            {
                // Each value length-prefixed, so no choice of values makes two rows hash alike.
                var written = Encoding.UTF8.GetBytes(value ?? "", buffer.AsSpan(at + 4));
                BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(at), written);
                at += 4 + written;
            }

            return XxHash128.HashToUInt128(buffer.AsSpan(0, at));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The row digest bound to the time the record was last changed, to the millisecond: what every
    /// provider gives back (SQLite's binary DateTimeOffset drops the last three digits of the ticks,
    /// PostgreSQL's timestamptz the last one), as stored.
    /// </summary>
    public static string Bind(UInt128 rowDigest, DateTimeOffset updatedAt)
    {
        Span<byte> input = stackalloc byte[24];
        BinaryPrimitives.WriteUInt128LittleEndian(input, rowDigest);
        BinaryPrimitives.WriteInt64LittleEndian(input[16..], updatedAt.UtcTicks / TimeSpan.TicksPerMillisecond);
        Span<byte> hash = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(hash, XxHash128.HashToUInt128(input));
        return Convert.ToHexStringLower(hash);
    }
}
