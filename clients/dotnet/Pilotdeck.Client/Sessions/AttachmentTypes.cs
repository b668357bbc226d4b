namespace Pilotdeck.Client.Sessions;

/// <summary>
/// The media types session attachments accept, by the extensions such files carry. The server
/// checks a file's first bytes against the type it is uploaded as (ATTACHMENT_TYPE_MISMATCH
/// otherwise), so this is a default to upload with, not a verdict on the content.
/// </summary>
public static class AttachmentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".md"] = "text/plain", [".vtt"] = "text/vtt", [".srt"] = "application/x-subrip",
        [".pdf"] = "application/pdf", [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg",
        [".mp4"] = "video/mp4", [".m4v"] = "video/mp4", [".webm"] = "video/webm", [".mov"] = "video/quicktime",
    };

    /// <summary>The extensions <see cref="FromFileName"/> knows, e.g. ".vtt".</summary>
    public static IEnumerable<string> Extensions => ByExtension.Keys;

    /// <summary>The accepted media type for <paramref name="fileName"/>'s extension, or null when it has none of them.</summary>
    public static string? FromFileName(string fileName) => ByExtension.GetValueOrDefault(Path.GetExtension(fileName));
}
