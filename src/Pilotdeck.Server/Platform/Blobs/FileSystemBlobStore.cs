using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Pilotdeck.Server.Platform.Blobs;

/// <summary>
/// Blobs as files under a root directory (<c>&lt;DataDirectory&gt;/blobs</c> by default), one
/// directory per key prefix. A put writes a temporary file in the blob's own directory and renames
/// it to its key only once the content is complete, so readers never see half a file and a crash
/// leaves at most a <c>*.partial</c> file, never a blob.
/// </summary>
public sealed partial class FileSystemBlobStore(string root) : IBlobStore
{
    private const int BufferSize = 128 * 1024;
    private const string PartialSuffix = ".partial";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task<StoredBlob> PutAsync(string prefix, Stream content, CancellationToken cancellationToken)
    {
        var key = CheckKey(prefix) + "/" + Guid.CreateVersion7().ToString("N");
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + PartialSuffix;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    size += read;
                }

                await file.FlushAsync(cancellationToken);
            }

            File.Move(partial, path);
            return new StoredBlob(key, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(CheckKey(key)), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan));

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(CheckKey(key)));
        return Task.CompletedTask;
    }

    private string PathOf(string key) => Path.Combine([Root, .. key.Split('/')]);

    // Keys become paths: only plain segments, so no key can name a file outside the root.
    private static string CheckKey(string key) =>
        key.Split('/').All(s => Segment().IsMatch(s) && s is not ("." or ".."))
            ? key
            : throw new ArgumentException($"'{key}' is not a blob key: segments of letters, digits, '-', '_' and '.' separated by '/'.", nameof(key));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex Segment();
}
