using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// An import's stored file read back as a stream, one chunk from the database at a time, on the
/// scope's context (so inside a commit's transaction it reads in that transaction).
/// </summary>
public sealed class StoredSource(PilotdeckDbContext db, string importId) : Stream
{
    private byte[] _chunk = [];
    private int _offset;
    private int _next;
    private bool _done;

    /// <summary>Bytes handed to the reader so far (it reads ahead, so a little past the current row).</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset >= _chunk.Length)
        {
            if (_done)
            {
                return 0;
            }

            var sequence = _next++;
            // Synchronous because Sep reads through a TextReader synchronously; one query per MiB.
            var data = db.ImportChunks.AsNoTracking().Where(c => c.ImportId == importId && c.Sequence == sequence).Select(c => c.Data).SingleOrDefault();
            if (data is null)
            {
                _done = true;
                return 0;
            }

            _chunk = data;
            _offset = 0;
        }

        var n = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
