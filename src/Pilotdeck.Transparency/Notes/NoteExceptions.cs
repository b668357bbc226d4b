namespace Pilotdeck.Transparency.Notes;

/// <summary>A signed note, key or checkpoint text breaks its format; the message says which rule.</summary>
public sealed class MalformedNoteException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public MalformedNoteException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>
/// A well-formed signed note that must not be trusted: a signature by a known key does not verify,
/// or no known key signed it at all.
/// </summary>
public sealed class NoteVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NoteVerificationException(string message) : base(message)
    {
    }
}
