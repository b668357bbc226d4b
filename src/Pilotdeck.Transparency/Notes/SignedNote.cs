using System.Buffers.Binary;
using System.Text;

namespace Pilotdeck.Transparency.Notes;

/// <summary>One signature line of a note: key name, key id and the signature bytes after the id.</summary>
public sealed record NoteSignature(string KeyName, uint KeyId, byte[] Signature);

/// <summary>
/// A C2SP signed note: text ending in a newline, a blank line, then lines
/// <c>— &lt;key name&gt; base64(key id ‖ signature)</c>. <see cref="Parse"/> only checks the format;
/// <see cref="Open"/> is what makes the text trustworthy.
/// </summary>
public sealed class SignedNote
{
    // More than the 16 the spec requires verifiers to accept; a bound keeps a hostile note cheap to reject.
    private const int MaxSignatures = 100;
    private const string SignaturePrefix = "\u2014 ";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, including its final newline.</summary>
    public string Text { get; }

    /// <summary>All signature lines, in order, known keys or not.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>Signs <paramref name="text"/> with each key and returns the whole note.</summary>
    /// <exception cref="MalformedNoteException">The text does not end in a newline or holds control characters.</exception>
    public static string Sign(string text, params IReadOnlyList<NoteSigningKey> keys)
    {
        EnsureNoteCharacters(text);
        if (!text.EndsWith('\n'))
        {
            throw new MalformedNoteException("Note text must end with a newline.");
        }
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one signing key is needed.", nameof(keys));
        }
        var message = StrictUtf8.GetBytes(text);
        var note = new StringBuilder(text).Append('\n');
        foreach (var key in keys)
        {
            var signature = new byte[4 + Ed25519.SignatureSize];
            BinaryPrimitives.WriteUInt32BigEndian(signature, key.KeyId);
            key.Sign(message).CopyTo(signature, 4);
            note.Append(SignaturePrefix).Append(key.Name).Append(' ').Append(Convert.ToBase64String(signature)).Append('\n');
        }
        return note.ToString();
    }

    /// <summary>Parses UTF-8 note bytes; invalid UTF-8 is malformed.</summary>
    public static SignedNote Parse(ReadOnlySpan<byte> utf8)
    {
        string message;
        try
        {
            message = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new MalformedNoteException("A signed note must be valid UTF-8.", e);
        }
        return Parse(message);
    }

    /// <summary>Splits a note into text and signature lines without verifying anything.</summary>
    /// <exception cref="MalformedNoteException">The note breaks the signed-note format; the message says how.</exception>
    public static SignedNote Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureNoteCharacters(message);
        // The last blank line separates text from signatures: the text may contain blank lines, signatures cannot.
        var split = message.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new MalformedNoteException("A signed note needs a blank line between its text and its signatures.");
        }
        var text = message[..(split + 1)];
        var signatureBlock = message[(split + 2)..];
        if (signatureBlock.Length == 0 || !signatureBlock.EndsWith('\n'))
        {
            throw new MalformedNoteException("A signed note must end with at least one signature line and a newline.");
        }
        var lines = signatureBlock[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            throw new MalformedNoteException($"A signed note may carry at most {MaxSignatures} signatures.");
        }
        var signatures = new List<NoteSignature>(lines.Length);
        foreach (var line in lines)
        {
            signatures.Add(ParseSignatureLine(line));
        }
        return new SignedNote(text, signatures);
    }

    /// <summary>
    /// Parses and verifies: signatures by unknown keys are ignored, a failing signature by a known key
    /// (same name and id) rejects the note, and at least one known key must have signed it.
    /// </summary>
    /// <returns>The note, whose <see cref="Text"/> may now be trusted.</returns>
    /// <exception cref="MalformedNoteException">Not a well-formed note.</exception>
    /// <exception cref="NoteVerificationException">Not signed by any of <paramref name="knownKeys"/>, or a signature fails.</exception>
    public static SignedNote Open(string message, params IReadOnlyList<NoteVerifierKey> knownKeys)
    {
        var note = Parse(message);
        var textBytes = StrictUtf8.GetBytes(note.Text);
        var verified = 0;
        foreach (var signature in note.Signatures)
        {
            var key = knownKeys.FirstOrDefault(k => k.Name == signature.KeyName && k.KeyId == signature.KeyId);
            if (key is null)
            {
                continue;
            }
            if (!key.Verify(textBytes, signature.Signature))
            {
                throw new NoteVerificationException(
                    $"The signature by {signature.KeyName}+{NoteKeyNames.FormatKeyId(signature.KeyId)} does not verify: the note was changed or not signed by that key.");
            }
            verified++;
        }
        if (verified == 0)
        {
            var signers = string.Join(", ", note.Signatures.Select(s => $"{s.KeyName}+{NoteKeyNames.FormatKeyId(s.KeyId)}"));
            var trusted = string.Join(", ", knownKeys.Select(k => $"{k.Name}+{NoteKeyNames.FormatKeyId(k.KeyId)}"));
            throw new NoteVerificationException($"The note is signed by {signers}, none of which is a trusted key ({trusted}).");
        }
        return note;
    }

    private static NoteSignature ParseSignatureLine(string line)
    {
        if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            throw new MalformedNoteException($"Signature line '{line}' does not start with an em dash and a space.");
        }
        var rest = line[SignaturePrefix.Length..];
        var space = rest.IndexOf(' ');
        if (space < 0)
        {
            throw new MalformedNoteException($"Signature line '{line}' has no space between key name and signature.");
        }
        var name = rest[..space];
        var base64 = rest[(space + 1)..];
        if (!NoteKeyNames.IsValid(name))
        {
            throw new MalformedNoteException($"Signature line '{line}' has an invalid key name.");
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new MalformedNoteException($"Signature line '{line}': the signature is not base64.", e);
        }
        // Convert tolerates embedded whitespace; the format does not, so insist on the canonical encoding.
        if (bytes.Length < 5 || Convert.ToBase64String(bytes) != base64)
        {
            throw new MalformedNoteException($"Signature line '{line}': the signature is not a key id followed by signature bytes.");
        }
        return new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes[4..]);
    }

    private static void EnsureNoteCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] < 0x20 && text[i] != '\n')
            {
                throw new MalformedNoteException($"Control character U+{(int)text[i]:X4} at offset {i}: notes allow only newline.");
            }
            if (char.IsSurrogate(text[i]) && !char.IsSurrogatePair(text, i) && !(i > 0 && char.IsSurrogatePair(text, i - 1)))
            {
                throw new MalformedNoteException($"Unpaired surrogate at offset {i}: notes are UTF-8 text.");
            }
        }
    }
}
