using System.Buffers.Binary;
using System.Collections.Concurrent;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

/// <summary>
/// Sees the compressed flag of each response message on the wire. The client API, like
/// grpc-dotnet's, hands back only decompressed messages, yet server_compressed_* must assert
/// that flag. A call opts in by carrying the tag header from <see cref="Tag"/>; the tap strips
/// it before the request leaves, so servers never see it.
/// </summary>
public sealed class WireTap : DelegatingHandler
{
    private const string TagHeader = "x-pilotdeck-interop-tap";

    private readonly ConcurrentDictionary<string, TappedCall> _pending = new();
    private int _nextId;

    public WireTap(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>Adds the tag to <paramref name="headers"/> and returns the record the tagged call's frames go to.</summary>
    public TappedCall Tag(Metadata headers)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var call = new TappedCall();
        _pending[id] = call;
        headers.Add(TagHeader, id);
        return call;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        TappedCall? tapped = null;
        if (request.Headers.TryGetValues(TagHeader, out var ids))
        {
            request.Headers.Remove(TagHeader);
            _pending.TryRemove(ids.First(), out tapped);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (tapped is null)
        {
            return response;
        }

        tapped.ResponseEncoding = response.Headers.TryGetValues("grpc-encoding", out var encodings) ? encodings.FirstOrDefault() : null;
        var original = response.Content;
        var body = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var observed = new StreamContent(new FrameObservingStream(body, tapped));
        foreach (var (name, values) in original.Headers)
        {
            observed.Headers.TryAddWithoutValidation(name, values);
        }

        response.Content = observed;
        return response;
    }

    /// <summary>Passes bytes through unchanged while following the 5-byte message prefixes.</summary>
    private sealed class FrameObservingStream : Stream
    {
        private readonly Stream _inner;
        private readonly TappedCall _call;
        private readonly byte[] _prefix = new byte[5];
        private int _prefixFilled;
        private long _bodyLeft;

        public FrameObservingStream(Stream inner, TappedCall call)
        {
            _inner = inner;
            _call = call;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = _inner.Read(buffer, offset, count);
            Observe(buffer.AsSpan(offset, read));
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Observe(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Observe(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_bodyLeft > 0)
                {
                    var skip = (int)Math.Min(_bodyLeft, data.Length);
                    _bodyLeft -= skip;
                    data = data[skip..];
                    continue;
                }

                var take = Math.Min(_prefix.Length - _prefixFilled, data.Length);
                data[..take].CopyTo(_prefix.AsSpan(_prefixFilled));
                _prefixFilled += take;
                data = data[take..];
                if (_prefixFilled == _prefix.Length)
                {
                    _call.AddFrame(_prefix[0] == 1);
                    _bodyLeft = BinaryPrimitives.ReadUInt32BigEndian(_prefix.AsSpan(1));
                    _prefixFilled = 0;
                }
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}

/// <summary>What the tap saw of one call's response.</summary>
public sealed class TappedCall
{
    private readonly List<bool> _frames = new();

    /// <summary>The response's <c>grpc-encoding</c> header, or null.</summary>
    public string? ResponseEncoding { get; internal set; }

    /// <summary>The compressed flag of each response message, in arrival order.</summary>
    public IReadOnlyList<bool> CompressedFlags
    {
        get
        {
            lock (_frames)
            {
                return _frames.ToArray();
            }
        }
    }

    internal void AddFrame(bool compressed)
    {
        lock (_frames)
        {
            _frames.Add(compressed);
        }
    }
}
