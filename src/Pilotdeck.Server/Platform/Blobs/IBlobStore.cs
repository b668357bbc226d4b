namespace Pilotdeck.Server.Platform.Blobs;

/// <summary>A blob as stored: its key, its size and the SHA-256 of its content (lowercase hex).</summary>
public sealed record StoredBlob(string Key, long SizeBytes, string Sha256);

/// <summary>
/// Where large files (session attachments) live, outside the database. Keys are
/// <c>&lt;prefix&gt;/&lt;blob id&gt;</c>, the prefix chosen by the caller (a tenant and a participant
/// id) and the id by the store. The filesystem store is the default; a bucket store (S3, Azure Blob,
/// GCS) implements the same three operations. A put is all or nothing: until it returns, no blob is
/// visible under its key, and a put that fails or is cancelled leaves nothing behind.
/// </summary>
public interface IBlobStore
{
    /// <summary>Reads <paramref name="content"/> to its end into a new blob under <paramref name="prefix"/>, hashing it as it goes.</summary>
    /// <exception cref="ArgumentException">The prefix has a segment that is empty, "." or "..", or a character other than letters, digits, '-', '_' and '.'.</exception>
    Task<StoredBlob> PutAsync(string prefix, Stream content, CancellationToken cancellationToken);

    /// <summary>The blob's content, from its start.</summary>
    /// <exception cref="FileNotFoundException">No blob has that key.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the blob; a key with no blob is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
