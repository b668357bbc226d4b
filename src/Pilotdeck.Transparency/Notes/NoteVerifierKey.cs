namespace Pilotdeck.Transparency.Notes;

/// <summary>
/// A public Ed25519 key with its name, as published for verifiers. Text form (C2SP signed-note,
/// also Go's <c>note.NewVerifier</c>): <c>&lt;name&gt;+&lt;8 hex key id&gt;+&lt;base64(0x01 ‖ public key)&gt;</c>.
/// </summary>
public sealed class NoteVerifierKey
{
    private readonly byte[] _publicKey;

    /// <summary>Builds the verifier for a raw 32-byte Ed25519 public key.</summary>
    /// <exception cref="MalformedNoteException">Invalid name or key size.</exception>
    public NoteVerifierKey(string name, ReadOnlySpan<byte> publicKey)
    {
        NoteKeyNames.EnsureValid(name);
        if (publicKey.Length != Ed25519.PublicKeySize)
        {
            throw new MalformedNoteException($"An Ed25519 public key is {Ed25519.PublicKeySize} bytes, not {publicKey.Length}.");
        }
        Name = name;
        _publicKey = publicKey.ToArray();
        KeyId = NoteKeyNames.KeyId(name, _publicKey);
    }

    /// <summary>Key name; for a log, its origin.</summary>
    public string Name { get; }

    /// <summary>The 32-bit key id that prefixes each signature by this key.</summary>
    public uint KeyId { get; }

    /// <summary>Raw Ed25519 public key (32 bytes).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Parses the text form; the key id must match the name and key, as Go's verifier also insists.</summary>
    /// <exception cref="MalformedNoteException">The text is not a valid Ed25519 verifier key.</exception>
    public static NoteVerifierKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Base64 may contain '+'; the name and key id cannot, so only the first two separate fields.
        var parts = text.Trim().Split('+', 3);
        if (parts.Length != 3)
        {
            throw new MalformedNoteException("A verifier key is '<name>+<key id>+<key>'.");
        }
        var keyId = NoteKeyNames.ParseKeyId(parts[1], "Verifier key");
        var key = new NoteVerifierKey(parts[0], NoteKeyNames.ParseEd25519Material(parts[2], "Verifier key"));
        if (key.KeyId != keyId)
        {
            throw new MalformedNoteException(
                $"Verifier key id {parts[1]} does not match name '{parts[0]}' and its key (expected {NoteKeyNames.FormatKeyId(key.KeyId)}).");
        }
        return key;
    }

    /// <summary>True when <paramref name="signature"/> (without the key id prefix) signs <paramref name="message"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => Ed25519.Verify(_publicKey, message, signature);

    /// <summary>The text form.</summary>
    public override string ToString() =>
        $"{Name}+{NoteKeyNames.FormatKeyId(KeyId)}+{NoteKeyNames.FormatEd25519Material(_publicKey)}";
}
