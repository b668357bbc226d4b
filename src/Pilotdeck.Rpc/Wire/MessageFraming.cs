using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Pilotdeck.Rpc.Wire;

/// <summary>
/// Length-prefixed messages: a flag byte (1 = compressed), a 4-byte big-endian length, the payload.
/// Reading enforces the receive limit before buffering, so an oversized prefix costs nothing.
/// </summary>
public static class MessageFraming
{
    /// <summary>
    /// Reads the next message, decompressing it when flagged. Returns null at a clean end of stream.
    /// Protocol violations surface as <see cref="RpcException"/> with the status the spec asks for.
    /// </summary>
    public static async ValueTask<ReceivedMessage?> ReadMessageAsync(PipeReader reader, int maxMessageSize, string? encoding, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParseFrame(ref buffer, maxMessageSize, encoding, out var message))
            {
                reader.AdvanceTo(buffer.Start);
                return message;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(buffer.End);
                if (buffer.Length == 0)
                {
                    return null;
                }

                throw new RpcException(new Status(StatusCode.Internal, $"Incomplete message: the stream ended {buffer.Length} byte(s) into a frame."));
            }

            // Not enough bytes for a whole frame yet: mark all examined so the next read waits for more.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryParseFrame(ref ReadOnlySequence<byte> buffer, int maxMessageSize, string? encoding, out ReceivedMessage? message)
    {
        message = null;
        if (buffer.Length < GrpcProtocol.MessagePrefixLength)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[GrpcProtocol.MessagePrefixLength];
        buffer.Slice(0, GrpcProtocol.MessagePrefixLength).CopyTo(prefix);
        var flag = prefix[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        if (flag > 1)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed-flag byte {flag} in message prefix."));
        }

        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize})."));
        }

        if (buffer.Length < GrpcProtocol.MessagePrefixLength + length)
        {
            return false;
        }

        var body = buffer.Slice(GrpcProtocol.MessagePrefixLength, length);
        var bytes = body.ToArray();
        buffer = buffer.Slice(body.End);
        if (flag == 1)
        {
            if (encoding is null || encoding == GrpcCompression.Identity)
            {
                throw new RpcException(new Status(StatusCode.Internal, "Message is flagged compressed but the call declared no grpc-encoding."));
            }

            bytes = GrpcCompression.Decompress(encoding, bytes, maxMessageSize);
        }

        message = new ReceivedMessage(bytes, flag == 1);
        return true;
    }

    /// <summary>Writes one frame; compresses with <paramref name="encoding"/> unless it is null or identity.</summary>
    public static void WriteMessage(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload, string? encoding)
    {
        byte flag = 0;
        if (encoding is not null && encoding != GrpcCompression.Identity)
        {
            payload = GrpcCompression.Compress(encoding, payload);
            flag = 1;
        }

        var span = writer.GetSpan(GrpcProtocol.MessagePrefixLength + payload.Length);
        span[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)payload.Length);
        payload.CopyTo(span[GrpcProtocol.MessagePrefixLength..]);
        writer.Advance(GrpcProtocol.MessagePrefixLength + payload.Length);
    }

    /// <summary>
    /// Writes one message as a frame, serializing it straight into <paramref name="writer"/> when it
    /// goes uncompressed and the marshaller can write into buffers; enforces the send limit.
    /// </summary>
    public static void WriteMessage<T>(IBufferWriter<byte> writer, Marshaller<T> marshaller, T message, string? encoding, int? maxMessageSize)
    {
        var compress = encoding is not null && encoding != GrpcCompression.Identity;
        if (!compress && marshaller.Sizer is { } sizer && marshaller.BufferSerializer is { } serialize)
        {
            var size = sizer(message);
            EnsureWithinSendLimit(size, maxMessageSize);
            var prefix = writer.GetSpan(GrpcProtocol.MessagePrefixLength);
            prefix[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)size);
            writer.Advance(GrpcProtocol.MessagePrefixLength);
            serialize(message, writer);
            return;
        }

        var payload = marshaller.Serializer(message);
        EnsureWithinSendLimit(payload.Length, maxMessageSize);
        WriteMessage(writer, payload, encoding);
    }

    private static void EnsureWithinSendLimit(int size, int? maxMessageSize)
    {
        if (maxMessageSize is { } max && size > max)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {max})."));
        }
    }

    /// <summary>One frame as a byte array, for writers that take whole buffers.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, string? encoding)
    {
        var writer = new ArrayBufferWriter<byte>(GrpcProtocol.MessagePrefixLength + payload.Length);
        WriteMessage(writer, payload, encoding);
        return writer.WrittenSpan.ToArray();
    }
}

/// <summary>A received message's bytes (already decompressed) and whether it came compressed.</summary>
public readonly record struct ReceivedMessage(byte[] Payload, bool WasCompressed);
