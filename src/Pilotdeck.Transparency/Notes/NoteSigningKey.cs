using System.Security.Cryptography;

namespace Pilotdeck.Transparency.Notes;

/// <summary>
/// A private Ed25519 key with its name. Its text form, <c>PRIVATE+KEY+&lt;name&gt;+&lt;8 hex key
/// id&gt;+&lt;base64(0x01 ‖ 32-byte seed)&gt;</c>, is the one Go's <c>note.GenerateKey</c> writes and
/// <c>note.NewSigner</c> reads, so a key can be kept in configuration and used by either side.
/// <see cref="ToString"/> never prints the secret; <see cref="ExportText"/> does.
/// </summary>
public sealed class NoteSigningKey
{
    private const string Prefix = "PRIVATE+KEY+";
    private readonly byte[] _seed;

    /// <summary>Builds the key from a raw 32-byte RFC 8032 seed.</summary>
    /// <exception cref="MalformedNoteException">Invalid name or seed size.</exception>
    public NoteSigningKey(string name, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519.SeedSize)
        {
            throw new MalformedNoteException($"An Ed25519 seed is {Ed25519.SeedSize} bytes, not {seed.Length}.");
        }
        _seed = seed.ToArray();
        VerifierKey = new NoteVerifierKey(name, Ed25519.PublicKeyFromSeed(_seed));
    }

    /// <summary>Key name; for a log, its origin.</summary>
    public string Name => VerifierKey.Name;

    /// <summary>The 32-bit key id written in front of each signature.</summary>
    public uint KeyId => VerifierKey.KeyId;

    /// <summary>The matching public key, to publish.</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>A new random key.</summary>
    public static NoteSigningKey Generate(string name) => new(name, RandomNumberGenerator.GetBytes(Ed25519.SeedSize));

    /// <summary>Parses the text form; the key id must match the name and the derived public key.</summary>
    /// <exception cref="MalformedNoteException">The text is not a valid Ed25519 signing key.</exception>
    public static NoteSigningKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        // Messages never echo the text: it holds the secret.
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new MalformedNoteException("A signing key starts with 'PRIVATE+KEY+'.");
        }
        // Base64 may contain '+'; the name and key id cannot, so only the first two separate fields.
        var parts = text[Prefix.Length..].Split('+', 3);
        if (parts.Length != 3)
        {
            throw new MalformedNoteException("A signing key is 'PRIVATE+KEY+<name>+<key id>+<key>'.");
        }
        var keyId = NoteKeyNames.ParseKeyId(parts[1], "Signing key");
        var key = new NoteSigningKey(parts[0], NoteKeyNames.ParseEd25519Material(parts[2], "Signing key"));
        if (key.KeyId != keyId)
        {
            throw new MalformedNoteException($"Signing key id {parts[1]} does not match name '{parts[0]}' and its key.");
        }
        return key;
    }

    /// <summary>Ed25519 signature (64 bytes, without key id) of <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519.Sign(_seed, message);

    /// <summary>The secret text form, for storing the key.</summary>
    public string ExportText() =>
        $"{Prefix}{Name}+{NoteKeyNames.FormatKeyId(KeyId)}+{NoteKeyNames.FormatEd25519Material(_seed)}";

    /// <summary>Name and key id only.</summary>
    public override string ToString() => $"{Name}+{NoteKeyNames.FormatKeyId(KeyId)} (signing key)";
}
