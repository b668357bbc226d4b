using System.Globalization;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Features.Sessions;

/// <summary>
/// The chunks of an UploadAttachment call as a stream the blob store reads. Before any byte is
/// handed on, the first <see cref="ContentSniffer.HeadSize"/> bytes are checked against the
/// declared type; every chunk counts toward the size limit. Either failure throws out of the
/// store's read, so the store discards what it wrote and no blob is kept.
/// </summary>
internal sealed class AttachmentContent(UploadMessages<UploadAttachmentRequest> messages, string declaredType, long maxBytes) : Stream
{
    private ReadOnlyMemory<byte> _pending;
    private bool _checked;
    private bool _ended;

    /// <summary>Bytes received so far.</summary>
    public long Received { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_checked)
        {
            await CheckHeadAsync();
        }

        while (_pending.IsEmpty && !_ended)
        {
            _pending = await NextChunkAsync() ?? ReadOnlyMemory<byte>.Empty;
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async Task CheckHeadAsync()
    {
        var head = new MemoryStream();
        while (head.Length < ContentSniffer.HeadSize && await NextChunkAsync() is { } chunk)
        {
            head.Write(chunk.Span);
        }

        _checked = true;
        _pending = head.ToArray();
        if (_pending.IsEmpty)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("chunk", "no bytes arrived: the file is empty"));
        }

        var detected = ContentSniffer.Sniff(_pending.Span[..Math.Min(_pending.Length, ContentSniffer.HeadSize)], complete: _ended);
        if (!ContentSniffer.Matches(declaredType, detected))
        {
            var found = detected ?? "unrecognised";
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.AttachmentTypeMismatch,
                $"The file's first bytes are not {declaredType} (they look {(detected is null ? "like none of the accepted types" : "like " + detected)}); nothing was stored.",
                new Dictionary<string, string> { ["declared_type"] = declaredType, ["detected_type"] = found },
                [new FieldViolation("metadata.content_type", $"does not match the content ({found})")]);
        }
    }

    /// <summary>The next chunk's bytes, or null at half-close.</summary>
    private async Task<ReadOnlyMemory<byte>?> NextChunkAsync()
    {
        if (_ended || !await messages.MoveNextAsync())
        {
            _ended = true;
            return null;
        }

        if (messages.Current.PayloadCase != UploadAttachmentRequest.PayloadOneofCase.Chunk)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("chunk", "every message after the first must carry a chunk"));
        }

        Received += messages.Current.Chunk.Length;
        if (Received > maxBytes)
        {
            // Stop at once rather than drain the rest: the client learns the limit before sending it all.
            throw ApiErrors.Create(StatusCode.ResourceExhausted, ErrorReason.UploadTooLarge,
                $"The attachment exceeds this server's limit of {maxBytes} bytes (Pilotdeck:Attachments:MaxUploadBytes); nothing was stored.",
                new Dictionary<string, string> { ["max_upload_bytes"] = maxBytes.ToString(CultureInfo.InvariantCulture) },
                [new FieldViolation("chunk", $"the file is larger than {maxBytes} bytes")]);
        }

        return messages.Current.Chunk.Memory;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously: the content arrives over the network.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
