using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Pilotdeck.Data.Paging;

/// <summary>
/// Opaque AIP-158 page tokens. A token carries the last key of the page it ends and a MAC binding it
/// to the tenant and the list filter, so a client cannot forge a position, page another tenant's
/// data, or reuse a token with a changed filter. Tokens are not encrypted: the key is readable,
/// just not alterable.
/// </summary>
public sealed class PageTokenCodec
{
    private const byte Version = 1;
    private const int MacLength = 32;
    private readonly byte[] _key;

    /// <param name="key">HMAC-SHA256 key of at least 32 bytes; all instances serving one API must share it.</param>
    public PageTokenCodec(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The page token key must be at least 32 bytes.", nameof(key));
        }
        _key = key;
    }

    /// <param name="filter">
    /// Canonical text of every request field that shapes the result set (filter, order, parent) but
    /// not page_size or page_token.
    /// </param>
    /// <param name="lastKey">The sort key of the last item returned.</param>
    public string Encode(string tenantId, string filter, string lastKey)
    {
        var keyBytes = Encoding.UTF8.GetBytes(lastKey);
        var token = new byte[1 + keyBytes.Length + MacLength];
        token[0] = Version;
        keyBytes.CopyTo(token, 1);
        Mac(tenantId, filter, keyBytes).CopyTo(token, 1 + keyBytes.Length);
        return Base64UrlEncoder.Encode(token);
    }

    /// <returns><c>false</c> for a malformed or altered token, or one issued for another tenant or filter.</returns>
    public bool TryDecode(string token, string tenantId, string filter, [NotNullWhen(true)] out string? lastKey)
    {
        lastKey = null;
        byte[] bytes;
        try
        {
            bytes = Base64UrlEncoder.DecodeBytes(token);
        }
        catch (FormatException)
        {
            return false;
        }
        if (bytes.Length < 1 + MacLength || bytes[0] != Version)
        {
            return false;
        }
        var keyBytes = bytes.AsSpan(1, bytes.Length - 1 - MacLength);
        if (!CryptographicOperations.FixedTimeEquals(Mac(tenantId, filter, keyBytes), bytes.AsSpan(bytes.Length - MacLength)))
        {
            return false;
        }
        lastKey = Encoding.UTF8.GetString(keyBytes);
        return true;
    }

    private byte[] Mac(string tenantId, string filter, ReadOnlySpan<byte> lastKey)
    {
        // Length-prefixed fields: ("ab","c") and ("a","bc") must not authenticate each other.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        AppendField(hmac, Encoding.UTF8.GetBytes(tenantId));
        AppendField(hmac, SHA256.HashData(Encoding.UTF8.GetBytes(filter)));
        AppendField(hmac, lastKey);
        return hmac.GetHashAndReset();
    }

    private static void AppendField(IncrementalHash hmac, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, field.Length);
        hmac.AppendData(length);
        hmac.AppendData(field);
    }
}
