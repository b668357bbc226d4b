using System.Threading.Channels;
using Pilotdeck.Rpc;

namespace Pilotdeck.Rpc.Tests.Reflection;

/// <summary>Just enough call context for handlers that only look at cancellation.</summary>
internal sealed class FakeServerCallContext : ServerCallContext
{
    private readonly CancellationTokenSource _cancellation = new();

    public override string Method => "/test.Service/Method";

    public override string Host => "localhost";

    public override string Peer => "ipv4:127.0.0.1:1";

    public override DateTime Deadline => DateTime.MaxValue;

    public override Metadata RequestHeaders { get; } = new();

    public override CancellationToken CancellationToken => _cancellation.Token;

    public override Metadata ResponseTrailers { get; } = new();

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public override WriteOptions? WriteOptions { get; set; }

    /// <summary>What the runtime does when the client resets the stream.</summary>
    public void Cancel() => _cancellation.Cancel();

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => Task.CompletedTask;
}

/// <summary>A request stream the test feeds message by message; <see cref="Complete"/> is the client's half-close.</summary>
internal sealed class ChannelStreamReader<T> : IAsyncStreamReader<T>
    where T : class
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>();
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public void Send(T message) => _channel.Writer.TryWrite(message);

    public void Complete() => _channel.Writer.TryComplete();

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_channel.Reader.TryRead(out var message))
            {
                _current = message;
                return true;
            }
        }

        return false;
    }
}

/// <summary>A response stream the test reads as the handler writes.</summary>
internal sealed class ChannelStreamWriter<T> : IServerStreamWriter<T>
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>();

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _channel.Writer.TryWrite(message);
        return Task.CompletedTask;
    }

    /// <summary>The next message written, failing the test instead of hanging when none comes.</summary>
    public async Task<T> ReadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        return await _channel.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
    }

    /// <summary>True when nothing was written within a short wait.</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan? wait = null)
    {
        await Task.Delay(wait ?? TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        return !_channel.Reader.TryPeek(out _);
    }
}
