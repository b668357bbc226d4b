using System.IO.Pipelines;
using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc.Tests.Wire;

public class MessageFramingTests
{
    private static PipeReader ReaderOver(params byte[] bytes) => PipeReader.Create(new MemoryStream(bytes));

    [Fact]
    public void Frame_Payload_HasFlagAndBigEndianLength()
    {
        var frame = MessageFraming.Frame(new byte[] { 0xAA, 0xBB, 0xCC }, encoding: null);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 3, 0xAA, 0xBB, 0xCC }, frame);
    }

    [Fact]
    public async Task ReadMessage_TwoFramesThenEnd_ReturnsBothThenNull()
    {
        var bytes = MessageFraming.Frame([1, 2], null).Concat(MessageFraming.Frame([], null)).ToArray();
        var reader = ReaderOver(bytes);
        Assert.Equal(new byte[] { 1, 2 }, (await MessageFraming.ReadMessageAsync(reader, 100, null, default))!.Value.Payload);
        Assert.Equal(Array.Empty<byte>(), (await MessageFraming.ReadMessageAsync(reader, 100, null, default))!.Value.Payload);
        Assert.Null(await MessageFraming.ReadMessageAsync(reader, 100, null, default));
    }

    [Fact]
    public async Task ReadMessage_FrameSplitAcrossReads_Reassembles()
    {
        var pipe = new Pipe();
        var frame = MessageFraming.Frame(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), null);
        var read = MessageFraming.ReadMessageAsync(pipe.Reader, 1000, null, default).AsTask();
        foreach (var chunk in frame.Chunk(7))
        {
            await pipe.Writer.WriteAsync(chunk);
        }

        await pipe.Writer.CompleteAsync();
        Assert.Equal(300, (await read)!.Value.Payload.Length);
    }

    [Fact]
    public async Task ReadMessage_TruncatedFrame_IsInternal()
    {
        var reader = ReaderOver(0, 0, 0, 0, 10, 1, 2, 3);
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(reader, 100, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("Incomplete", ex.Status.Detail);
    }

    [Fact]
    public async Task ReadMessage_TruncatedPrefix_IsInternal()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(ReaderOver(0, 0), 100, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadMessage_LengthOverLimit_IsResourceExhaustedBeforeBuffering()
    {
        // Only the prefix is present: the limit must be enforced without waiting for 2 GiB of body.
        var reader = ReaderOver(0, 0x7F, 0xFF, 0xFF, 0xFF);
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(reader, 4 * 1024 * 1024, null, default).AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ReadMessage_CompressedFlagWithoutEncoding_IsInternal()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(ReaderOver(1, 0, 0, 0, 1, 9), 100, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadMessage_InvalidFlagByte_IsInternal()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(ReaderOver(7, 0, 0, 0, 0), 100, null, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadMessage_GzipFrame_Decompresses()
    {
        var payload = Enumerable.Repeat((byte)'x', 5000).ToArray();
        var frame = MessageFraming.Frame(payload, GrpcCompression.Gzip);
        Assert.Equal(1, frame[0]);
        Assert.True(frame.Length < payload.Length);
        var message = await MessageFraming.ReadMessageAsync(ReaderOver(frame), 10_000, GrpcCompression.Gzip, default);
        Assert.Equal(payload, message!.Value.Payload);
        Assert.True(message.Value.WasCompressed);
    }

    [Fact]
    public async Task ReadMessage_GzipBombOverLimit_IsResourceExhausted()
    {
        var frame = MessageFraming.Frame(new byte[1_000_000], GrpcCompression.Gzip);
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(ReaderOver(frame), 64 * 1024, GrpcCompression.Gzip, default).AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ReadMessage_CorruptGzip_IsInternal()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(ReaderOver(1, 0, 0, 0, 3, 1, 2, 3), 100, GrpcCompression.Gzip, default).AsTask());
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }
}
