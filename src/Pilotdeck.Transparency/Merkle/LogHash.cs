using System.Security.Cryptography;

namespace Pilotdeck.Transparency.Merkle;

/// <summary>
/// A SHA-256 value in the log: a leaf hash, an interior node hash or a tree root. Immutable; equal
/// when the bytes are equal. Printed as standard base64, the form checkpoints and Go's tlog use.
/// </summary>
public readonly struct LogHash : IEquatable<LogHash>
{
    /// <summary>Size of every hash in the log, in bytes (SHA-256).</summary>
    public const int Size = 32;

    // Null only for default(LogHash); treated as all zeroes so a default value never throws.
    private readonly byte[]? _bytes;

    /// <summary>Wraps a copy of <paramref name="bytes"/>, which must be exactly 32 bytes.</summary>
    public LogHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A log hash is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }
        _bytes = bytes.ToArray();
    }

    private LogHash(byte[] owned) => _bytes = owned;

    /// <summary>The hash bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    /// <summary>RFC 9162 §2.1.1: the hash of an empty tree is the SHA-256 of the empty string.</summary>
    public static LogHash EmptyTree { get; } = new(SHA256.HashData(ReadOnlySpan<byte>.Empty));

    /// <summary>Leaf hash: SHA-256(0x00 ‖ data). The prefix keeps a leaf from posing as a node.</summary>
    public static LogHash OfLeaf(ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData([0x00]);
        sha.AppendData(data);
        return new LogHash(sha.GetHashAndReset());
    }

    /// <summary>Interior node hash: SHA-256(0x01 ‖ left ‖ right).</summary>
    public static LogHash OfNode(LogHash left, LogHash right)
    {
        Span<byte> input = stackalloc byte[1 + 2 * Size];
        input[0] = 0x01;
        left.Bytes.CopyTo(input[1..]);
        right.Bytes.CopyTo(input[(1 + Size)..]);
        return new LogHash(SHA256.HashData(input));
    }

    /// <summary>Parses standard base64 (as in a checkpoint's third line).</summary>
    /// <exception cref="FormatException">Not base64 or not 32 bytes.</exception>
    public static LogHash FromBase64(string text)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"'{text}' is not base64.", e);
        }
        if (bytes.Length != Size)
        {
            throw new FormatException($"A log hash is {Size} bytes; '{text}' decodes to {bytes.Length}.");
        }
        return new LogHash(bytes);
    }

    /// <summary>Parses lowercase or uppercase hex (how RFC test vectors are written).</summary>
    public static LogHash FromHex(string hex) => new(Convert.FromHexString(hex));

    /// <summary>Standard base64 with padding.</summary>
    public string ToBase64() => Convert.ToBase64String(Bytes);

    /// <summary>Lowercase hex.</summary>
    public string ToHex() => Convert.ToHexStringLower(Bytes);

    /// <inheritdoc />
    public override string ToString() => ToBase64();

    /// <inheritdoc />
    public bool Equals(LogHash other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LogHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(Bytes[..4]);

    /// <summary>Byte equality.</summary>
    public static bool operator ==(LogHash left, LogHash right) => left.Equals(right);

    /// <summary>Byte inequality.</summary>
    public static bool operator !=(LogHash left, LogHash right) => !left.Equals(right);
}
