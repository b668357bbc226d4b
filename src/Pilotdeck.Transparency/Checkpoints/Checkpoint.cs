using System.Globalization;
using System.Text;
using Pilotdeck.Transparency.Merkle;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Transparency.Checkpoints;

/// <summary>
/// A C2SP tlog-checkpoint: the note text <c>origin\nsize\nbase64(root)\n[extension\n]…</c>. Signed,
/// it is what a log commits to; anyone holding the log's verifier key can check it offline.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>Creates a checkpoint, checking every field against the format.</summary>
    /// <exception cref="MalformedNoteException">A field would break the format.</exception>
    public Checkpoint(string origin, long treeSize, LogHash rootHash, IReadOnlyList<string>? extensions = null)
    {
        if (string.IsNullOrEmpty(origin) || origin.Contains('\n'))
        {
            throw new MalformedNoteException("A checkpoint origin is one non-empty line.");
        }
        if (treeSize < 0)
        {
            throw new MalformedNoteException($"A tree size cannot be negative ({treeSize}).");
        }
        extensions ??= [];
        if (extensions.Any(e => e.Length == 0 || e.Contains('\n')))
        {
            throw new MalformedNoteException("Checkpoint extension lines must be single non-empty lines.");
        }
        Origin = origin;
        TreeSize = treeSize;
        RootHash = rootHash;
        Extensions = [.. extensions];
    }

    /// <summary>The log's identity; Pilotdeck uses one origin per tenant log, also the signing key's name.</summary>
    public string Origin { get; }

    /// <summary>Number of leaves the checkpoint covers.</summary>
    public long TreeSize { get; }

    /// <summary>RFC 9162 root hash of those leaves.</summary>
    public LogHash RootHash { get; }

    /// <summary>Optional opaque lines after the root hash (the spec advises against using them).</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The note text, ending in a newline.</summary>
    public string ToNoteText()
    {
        var text = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(TreeSize.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(RootHash.ToBase64()).Append('\n');
        foreach (var extension in Extensions)
        {
            text.Append(extension).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Parses a checkpoint note text (the text of an already verified note).</summary>
    /// <exception cref="MalformedNoteException">The text is not a checkpoint; the message says which line.</exception>
    public static Checkpoint ParseNoteText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.EndsWith('\n'))
        {
            throw new MalformedNoteException("Checkpoint text must end with a newline.");
        }
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw new MalformedNoteException($"A checkpoint has at least three lines (origin, size, root hash), not {lines.Length}.");
        }
        if (lines[0].Length == 0)
        {
            throw new MalformedNoteException("Checkpoint line 1: the origin is empty.");
        }
        var size = lines[1];
        // Decimal digits only, no sign, no leading zero: one size has exactly one spelling.
        if (size.Length == 0 || !size.All(char.IsAsciiDigit) || (size.Length > 1 && size[0] == '0')
            || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
        {
            throw new MalformedNoteException($"Checkpoint line 2: '{size}' is not a tree size.");
        }
        LogHash root;
        try
        {
            root = LogHash.FromBase64(lines[2]);
        }
        catch (FormatException e)
        {
            throw new MalformedNoteException($"Checkpoint line 3: {e.Message}", e);
        }
        if (root.ToBase64() != lines[2])
        {
            throw new MalformedNoteException($"Checkpoint line 3: '{lines[2]}' is not canonical base64.");
        }
        for (var i = 3; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                throw new MalformedNoteException($"Checkpoint line {i + 1}: extension lines must not be empty.");
            }
        }
        return new Checkpoint(lines[0], treeSize, root, lines[3..]);
    }

    /// <summary>Signs the checkpoint as a note; the key's name must be the origin.</summary>
    public string Sign(NoteSigningKey key)
    {
        if (key.Name != Origin)
        {
            throw new ArgumentException($"Checkpoints of '{Origin}' are signed by a key of that name, not '{key.Name}'.", nameof(key));
        }
        return SignedNote.Sign(ToNoteText(), key);
    }

    /// <summary>
    /// Verifies a signed checkpoint against the log's verifier key and parses it. The origin must equal
    /// the key's name, so a checkpoint of one tenant's log cannot pass for another's signed by the same key.
    /// </summary>
    /// <exception cref="MalformedNoteException">Not a well-formed signed checkpoint.</exception>
    /// <exception cref="NoteVerificationException">Not validly signed by <paramref name="key"/>, or another log's origin.</exception>
    public static Checkpoint Open(string signedNote, NoteVerifierKey key)
    {
        var note = SignedNote.Open(signedNote, key);
        var checkpoint = ParseNoteText(note.Text);
        if (checkpoint.Origin != key.Name)
        {
            throw new NoteVerificationException($"The checkpoint's origin '{checkpoint.Origin}' is not the log '{key.Name}'.");
        }
        return checkpoint;
    }
}
