using Pilotdeck.Rpc;

namespace Pilotdeck.Client;

/// <summary>
/// Interceptors must hand back a call object at once, but ours first await a token or a backoff.
/// These wrappers return immediately and start the real call(s) when that work is done; status,
/// trailers and disposal follow whichever attempt ran last.
/// </summary>
internal static class DeferredCalls
{
    /// <summary>Runs <paramref name="body"/>, which starts attempts through <see cref="UnaryAttempts{TResponse}.RunAsync"/>.</summary>
    public static AsyncUnaryCall<TResponse> Unary<TResponse>(CancellationToken callToken, Func<UnaryAttempts<TResponse>, CancellationToken, Task<TResponse>> body)
    {
        var attempts = new UnaryAttempts<TResponse>(callToken);
        var response = attempts.Complete(body(attempts, attempts.Token));
        return new AsyncUnaryCall<TResponse>(response, new CallState(attempts.HeadersAsync(response), attempts.GetStatus, attempts.GetTrailers, attempts.Dispose));
    }

    public static AsyncServerStreamingCall<TResponse> ServerStreaming<TResponse>(CancellationToken callToken, Func<CancellationToken, Task<AsyncServerStreamingCall<TResponse>>> start)
    {
        var deferred = new DeferredStart<AsyncServerStreamingCall<TResponse>>(callToken, start, c => c.Dispose());
        var reader = new DeferredReader<TResponse>(Map(deferred.Started, c => c.ResponseStream));
        return new AsyncServerStreamingCall<TResponse>(reader, deferred.State(c => c.ResponseHeadersAsync, c => c.GetStatus(), c => c.GetTrailers()));
    }

    public static AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(CancellationToken callToken, Func<CancellationToken, Task<AsyncClientStreamingCall<TRequest, TResponse>>> start)
    {
        var deferred = new DeferredStart<AsyncClientStreamingCall<TRequest, TResponse>>(callToken, start, c => c.Dispose());
        var writer = new DeferredWriter<TRequest>(Map(deferred.Started, c => c.RequestStream));
        var response = Unwrap(deferred.Started, c => c.ResponseAsync);
        return new AsyncClientStreamingCall<TRequest, TResponse>(writer, response, deferred.State(c => c.ResponseHeadersAsync, c => c.GetStatus(), c => c.GetTrailers()));
    }

    public static AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(CancellationToken callToken, Func<CancellationToken, Task<AsyncDuplexStreamingCall<TRequest, TResponse>>> start)
    {
        var deferred = new DeferredStart<AsyncDuplexStreamingCall<TRequest, TResponse>>(callToken, start, c => c.Dispose());
        var writer = new DeferredWriter<TRequest>(Map(deferred.Started, c => c.RequestStream));
        var reader = new DeferredReader<TResponse>(Map(deferred.Started, c => c.ResponseStream));
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(writer, reader, deferred.State(c => c.ResponseHeadersAsync, c => c.GetStatus(), c => c.GetTrailers()));
    }

    // Awaiting (not ContinueWith) keeps a failed start's own exception, e.g. the RpcException of a token request.
    private static async Task<T> Map<TCall, T>(Task<TCall> started, Func<TCall, T> select) => select(await started.ConfigureAwait(false));

    private static async Task<T> Unwrap<TCall, T>(Task<TCall> started, Func<TCall, Task<T>> select) => await select(await started.ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Status for a failure that happened before or between attempts (token request, backoff).</summary>
    public static (Status Status, Metadata Trailers) StatusOf(Exception exception) => exception switch
    {
        RpcException rpc => (rpc.Status, rpc.Trailers),
        PilotdeckAuthException auth => (new Status(StatusCode.Unauthenticated, auth.Message), Metadata.Empty),
        OperationCanceledException => (new Status(StatusCode.Cancelled, "Call canceled by the client."), Metadata.Empty),
        _ => (new Status(StatusCode.Unknown, exception.Message), Metadata.Empty),
    };
}

/// <summary>The attempts of one logical unary call.</summary>
internal sealed class UnaryAttempts<TResponse>
{
    private readonly CancellationTokenSource _cts;
    private AsyncUnaryCall<TResponse>? _current;
    private (Status Status, Metadata Trailers)? _final;
    private int _disposed;
    private int _completed;

    public UnaryAttempts(CancellationToken callToken)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(callToken);
    }

    /// <summary>Cancelled by the caller's token or by disposing the call.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Starts one attempt and waits for its response; the call's status then follows this attempt.</summary>
    public async Task<TResponse> RunAsync(Func<AsyncUnaryCall<TResponse>> start)
    {
        var call = start();
        _current = call;
        if (Volatile.Read(ref _disposed) == 1)
        {
            call.Dispose();
        }

        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        finally
        {
            if (call.ResponseAsync.IsCompletedSuccessfully)
            {
                _final = (call.GetStatus(), call.GetTrailers());
            }
        }
    }

    public async Task<TResponse> Complete(Task<TResponse> body)
    {
        try
        {
            return await body.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // For an attempt's RpcException this equals what RunAsync recorded; anything else failed between attempts.
            _final = DeferredCalls.StatusOf(ex);
            throw;
        }
        finally
        {
            // Unlinks from the caller's token, which may live far longer than this call.
            Interlocked.Exchange(ref _completed, 1);
            _cts.Dispose();
        }
    }

    public async Task<Metadata> HeadersAsync(Task<TResponse> response)
    {
        // Which attempt's headers count is only known once the call is done.
        try
        {
            await response.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The status says what went wrong; headers are whatever the last attempt got.
        }

        return _current is { } call ? await call.ResponseHeadersAsync.ConfigureAwait(false) : Metadata.Empty;
    }

    public Status GetStatus() => _final?.Status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers() => _final?.Trailers ?? throw new InvalidOperationException("Unable to get the trailers because the call is not complete.");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (Volatile.Read(ref _completed) == 0)
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Completed meanwhile: nothing left to cancel.
            }
        }

        _current?.Dispose();
    }
}

/// <summary>A streaming call whose real start waits for asynchronous work first.</summary>
internal sealed class DeferredStart<TCall>
    where TCall : class
{
    private readonly CancellationTokenSource _cts;
    private readonly Action<TCall> _dispose;
    private int _disposed;

    public DeferredStart(CancellationToken callToken, Func<CancellationToken, Task<TCall>> start, Action<TCall> dispose)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        _dispose = dispose;
        Started = StartAsync(start);
    }

    public Task<TCall> Started { get; }

    private async Task<TCall> StartAsync(Func<CancellationToken, Task<TCall>> start)
    {
        var call = await start(_cts.Token).ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 1)
        {
            _dispose(call);
        }

        return call;
    }

    public CallState State(Func<TCall, Task<Metadata>> headers, Func<TCall, Status> status, Func<TCall, Metadata> trailers) => new(
        HeadersAsync(headers),
        () => Started.IsCompletedSuccessfully ? status(Started.Result) : Failure()?.Status ?? throw NotComplete("status"),
        () => Started.IsCompletedSuccessfully ? trailers(Started.Result) : Failure()?.Trailers ?? throw NotComplete("trailers"),
        Dispose);

    private async Task<Metadata> HeadersAsync(Func<TCall, Task<Metadata>> headers) => await headers(await Started.ConfigureAwait(false)).ConfigureAwait(false);

    private (Status Status, Metadata Trailers)? Failure() =>
        Started.IsFaulted ? DeferredCalls.StatusOf(Started.Exception!.InnerException!) : Started.IsCanceled ? DeferredCalls.StatusOf(new OperationCanceledException()) : null;

    private static InvalidOperationException NotComplete(string what) => new($"Unable to get the {what} because the call is not complete.");

    private void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _cts.Cancel();
        if (Started.IsCompletedSuccessfully)
        {
            _dispose(Started.Result);
        }
    }
}

internal sealed class DeferredReader<T>(Task<IAsyncStreamReader<T>> reader) : IAsyncStreamReader<T>
{
    private IAsyncStreamReader<T>? _reader;

    public T Current => _reader is { } r ? r.Current : throw new InvalidOperationException("Call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        _reader ??= await reader.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _reader.MoveNext(cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class DeferredWriter<T>(Task<IClientStreamWriter<T>> writer) : IClientStreamWriter<T>
{
    public WriteOptions? WriteOptions { get; set; }

    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        var inner = await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        inner.WriteOptions = WriteOptions;
        await inner.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteAsync() => await (await writer.ConfigureAwait(false)).CompleteAsync().ConfigureAwait(false);
}
