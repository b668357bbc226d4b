using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pilotdeck.Transparency.Notes;

/// <summary>Rules shared by verifier keys, signing keys and signature lines (C2SP signed-note).</summary>
internal static class NoteKeyNames
{
    /// <summary>Signature type byte for Ed25519 in key ids and key texts.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>Key names are non-empty and hold neither Unicode spaces nor '+', which separates key text fields.</summary>
    public static bool IsValid(string name) =>
        name.Length > 0 && !name.Any(c => c == '+' || char.IsWhiteSpace(c) || char.IsControl(c));

    public static void EnsureValid(string name)
    {
        if (!IsValid(name))
        {
            throw new MalformedNoteException($"Key name '{name}' is not valid: it must be non-empty, without spaces or '+'.");
        }
    }

    /// <summary>First four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).</summary>
    public static uint KeyId(string name, ReadOnlySpan<byte> ed25519PublicKey)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(name));
        sha.AppendData([0x0A, Ed25519Type]);
        sha.AppendData(ed25519PublicKey);
        return BinaryPrimitives.ReadUInt32BigEndian(sha.GetHashAndReset());
    }

    public static string FormatKeyId(uint keyId) => keyId.ToString("x8", CultureInfo.InvariantCulture);

    public static uint ParseKeyId(string hex, string what)
    {
        if (hex.Length != 8 || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            throw new MalformedNoteException($"{what}: key id '{hex}' is not 8 hex digits.");
        }
        return id;
    }

    /// <summary>Decodes base64(0x01 ‖ 32 bytes), the key material field of both key texts.</summary>
    public static byte[] ParseEd25519Material(string base64, string what)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new MalformedNoteException($"{what}: key material is not base64.", e);
        }
        if (bytes.Length == 0 || bytes[0] != Ed25519Type)
        {
            throw new MalformedNoteException($"{what}: only Ed25519 keys (type byte 0x01) are supported.");
        }
        if (bytes.Length != 1 + 32)
        {
            throw new MalformedNoteException($"{what}: an Ed25519 key is 32 bytes, not {bytes.Length - 1}.");
        }
        return bytes[1..];
    }

    public static string FormatEd25519Material(ReadOnlySpan<byte> key)
    {
        var bytes = new byte[1 + key.Length];
        bytes[0] = Ed25519Type;
        key.CopyTo(bytes.AsSpan(1));
        return Convert.ToBase64String(bytes);
    }
}
