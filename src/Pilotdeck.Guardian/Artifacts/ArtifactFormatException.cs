namespace Pilotdeck.Guardian.Artifacts;

/// <summary>A dbt artifact could not be read: not JSON, truncated, or not a manifest/catalog at all.</summary>
public sealed class ArtifactFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="artifact">File name shown to the user (<c>manifest.json</c>).</param>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="byteOffset">Zero-based offset in the file where reading stopped, when known.</param>
    /// <param name="line">One-based line where reading stopped, when known.</param>
    /// <param name="inner">The underlying parser error.</param>
    public ArtifactFormatException(string artifact, string message, long? byteOffset = null, long? line = null, Exception? inner = null)
        : base(message, inner)
    {
        Artifact = artifact;
        ByteOffset = byteOffset;
        Line = line;
    }

    /// <summary>The artifact that failed (<c>manifest.json</c> or <c>catalog.json</c>).</summary>
    public string Artifact { get; }

    /// <summary>Zero-based byte offset where the file broke, when known.</summary>
    public long? ByteOffset { get; }

    /// <summary>One-based line where the file broke, when known.</summary>
    public long? Line { get; }
}
