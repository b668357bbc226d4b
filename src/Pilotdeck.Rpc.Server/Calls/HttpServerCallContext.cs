using System.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc.Server;

/// <summary>
/// One server call over one HTTP/2 stream: parses the request headers, owns the deadline and
/// cancellation, serialises writes, and ends the stream with the right status exactly once.
/// </summary>
internal sealed class HttpServerCallContext : ServerCallContext, IDisposable
{
    private readonly HttpContext _http;
    private readonly GrpcServiceOptions _options;
    private readonly ILogger _logger;
    // Both exist only for calls with a deadline: that is the one case where something besides the
    // handler (the deadline timer) can cancel the call or write to the response concurrently.
    private CancellationTokenSource? _cts;
    private SemaphoreSlim? _writeLock;
    private readonly long _started = Stopwatch.GetTimestamp();
    private Timer? _deadlineTimer;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private bool _headersSent;
    private bool _completed;
    private bool _deadlineExceeded;
    private DateTime _deadline = DateTime.MaxValue;

    public HttpServerCallContext(HttpContext http, string method, GrpcServiceOptions options, ILogger logger)
    {
        _http = http;
        _options = options;
        _logger = logger;
        Method = method;
        // The typed grpc-* accessors are Kestrel's known-header slots; a lookup by name compares strings.
        RequestEncoding = http.Request.Headers.GrpcEncoding.ToString() is { Length: > 0 } enc ? enc : null;
        ResponseCompression = options.ResponseCompression;
    }

    public HttpContext HttpContext => _http;

    public GrpcServiceOptions Options => _options;

    public string? RequestEncoding { get; }

    public override string Method { get; }

    public override string Host => _http.Request.Host.Value ?? "";

    public override string Peer => _http.Connection.RemoteIpAddress is { } ip
        ? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"ipv6:[{ip}]:{_http.Connection.RemotePort}" : $"ipv4:{ip}:{_http.Connection.RemotePort}")
        : "unknown";

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    public override CancellationToken CancellationToken => _cts?.Token ?? _http.RequestAborted;

    public override Metadata ResponseTrailers => _responseTrailers ??= new Metadata();

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public override WriteOptions? WriteOptions { get; set; }

    /// <summary>Whether the last request message read arrived compressed.</summary>
    public bool LastMessageWasCompressed { get; private set; }

    /// <summary>
    /// The encoding responses are compressed with, or null. A handler may set it before the first
    /// message; a value the client does not accept is ignored, since it could not decode it.
    /// </summary>
    public string? ResponseCompression
    {
        get => _responseCompression;
        set
        {
            if (_headersSent)
            {
                throw new InvalidOperationException("Response compression must be chosen before response headers are sent.");
            }

            _responseCompression = value is null || GrpcCompression.PeerAccepts(_http.Request.Headers.GrpcAcceptEncoding, value) ? value : null;
        }
    }

    private string? _responseCompression;

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var (name, values) in _http.Request.Headers)
        {
            foreach (var value in values)
            {
                if (value is not null)
                {
                    MetadataCodec.AddFromHeader(metadata, name, value);
                }
            }
        }

        return metadata;
    }

    /// <summary>Validates transport-level requirements; on failure the call is already answered and false is returned.</summary>
    public async Task<bool> TryStartAsync()
    {
        var timeoutHeader = _http.Request.Headers.GrpcTimeout.ToString();
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var timeout))
            {
                await CompleteWithStatusAsync(new Status(StatusCode.Internal, $"Malformed grpc-timeout header '{timeoutHeader}'."), null).ConfigureAwait(false);
                return false;
            }

            var deadline = DateTime.UtcNow + timeout;
            SetDeadline(deadline, timeout);
        }

        if (RequestEncoding is not null && !GrpcCompression.IsSupported(RequestEncoding))
        {
            _http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcCompression.AcceptEncodingValue;
            await CompleteWithStatusAsync(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{RequestEncoding}'; supported: {GrpcCompression.AcceptEncodingValue}."), null).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private void SetDeadline(DateTime deadline, TimeSpan timeout)
    {
        _deadline = deadline;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(_http.RequestAborted);
        _writeLock = new SemaphoreSlim(1, 1);
        if (timeout <= TimeSpan.Zero)
        {
            timeout = TimeSpan.FromTicks(1);
        }

        var due = timeout.TotalMilliseconds > int.MaxValue - 1 ? Timeout.InfiniteTimeSpan : timeout;
        _deadlineTimer = new Timer(static state => _ = ((HttpServerCallContext)state!).OnDeadlineAsync(), this, due, Timeout.InfiniteTimeSpan);
    }

    private async Task OnDeadlineAsync()
    {
        _deadlineExceeded = true;
        try
        {
            await _cts!.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        // End the stream now rather than wait for a handler that may ignore its token.
        await CompleteWithStatusAsync(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), null).ConfigureAwait(false);
    }

    private Task EnterWriteAsync(CancellationToken cancellationToken) => _writeLock?.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        await EnterWriteAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            if (_headersSent)
            {
                throw new InvalidOperationException("Response headers have already been sent.");
            }

            foreach (var entry in responseHeaders)
            {
                _http.Response.Headers.Append(entry.Key, MetadataCodec.ToHeaderValue(entry));
            }

            await SendHeadersAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    private Task SendHeadersAsync()
    {
        PrepareResponseHeaders();
        _headersSent = true;
        return _http.Response.BodyWriter.FlushAsync().AsTask();
    }

    private void PrepareResponseHeaders()
    {
        var headers = _http.Response.Headers;
        _http.Response.StatusCode = StatusCodes.Status200OK;
        headers.ContentType = GrpcProtocol.ContentType;
        headers.GrpcAcceptEncoding = GrpcCompression.AcceptEncodingValue;
        if (ResponseCompression is not null)
        {
            headers.GrpcEncoding = ResponseCompression;
        }
    }

    /// <summary>Reads the next request message, or null at end of stream.</summary>
    public async ValueTask<TRequest?> ReadMessageAsync<TRequest>(Marshaller<TRequest> marshaller, CancellationToken cancellationToken)
        where TRequest : class
    {
        ReceivedMessage? received;
        try
        {
            received = await MessageFraming.ReadMessageAsync(_http.Request.BodyReader, _options.MaxReceiveMessageSize, RequestEncoding, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionAbortedException or BadHttpRequestException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The client reset the stream."));
        }

        if (received is not { } message)
        {
            return null;
        }

        LastMessageWasCompressed = message.WasCompressed;
        try
        {
            return marshaller.Deserializer(message.Payload);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize request message: " + ex.Message));
        }
    }

    /// <summary>Writes one response message. Unary calls pass flush=false so message and trailers leave together.</summary>
    public async Task WriteMessageAsync<TResponse>(Marshaller<TResponse> marshaller, TResponse message, WriteOptions? writeOptions, bool flush, CancellationToken cancellationToken)
    {
        var noCompress = ((writeOptions ?? WriteOptions)?.Flags ?? WriteFlags.None).HasFlag(WriteFlags.NoCompress);
        var encoding = noCompress ? null : ResponseCompression;
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            if (!_headersSent)
            {
                PrepareResponseHeaders();
                _headersSent = true;
            }

            MessageFraming.WriteMessage(_http.Response.BodyWriter, marshaller, message, encoding, _options.MaxSendMessageSize);
            if (flush)
            {
                await _http.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new RpcException(_deadlineExceeded
                ? new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")
                : new Status(StatusCode.Cancelled, "The call has already completed."));
        }
    }

    /// <summary>Ends the handler's call: its returned status, or the status its exception maps to.</summary>
    public Task CompleteAsync(Exception? error)
    {
        if (error is null)
        {
            return CompleteWithStatusAsync(Status, RichStatus);
        }

        var (status, rich) = MapException(error);
        if (error is RpcException rpc)
        {
            foreach (var trailer in rpc.Trailers)
            {
                ResponseTrailers.Add(trailer);
            }
        }

        return CompleteWithStatusAsync(status, rich);
    }

    private (Status Status, Google.Rpc.Status? Rich) MapException(Exception error)
    {
        if (_deadlineExceeded)
        {
            return (new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), null);
        }

        switch (error)
        {
            case RpcException rpc:
                return (rpc.Status, rpc.RichStatus);
            case OperationCanceledException when CancellationToken.IsCancellationRequested:
                return (new Status(StatusCode.Cancelled, "The call was cancelled."), null);
            default:
                _logger.LogError(error, "Handler for {Method} threw", Method);
                var detail = _options.EnableDetailedErrors ? $"Exception was thrown by handler. {error.GetType().Name}: {error.Message}" : "Exception was thrown by handler.";
                return (new Status(StatusCode.Unknown, detail), null);
        }
    }

    /// <summary>
    /// Sends the final status once. Before any response headers this is a Trailers-Only response
    /// (one HEADERS frame with END_STREAM); after them, HTTP/2 trailers.
    /// </summary>
    public async Task CompleteWithStatusAsync(Status status, Google.Rpc.Status? richStatus)
    {
        await EnterWriteAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            FinalStatus = status;
            if (_http.RequestAborted.IsCancellationRequested)
            {
                // The client reset the stream; nothing can be sent.
                FinalStatus = new Status(StatusCode.Cancelled, "The client cancelled the call.");
                return;
            }

            var trailersOnly = !_headersSent;
            if (trailersOnly)
            {
                PrepareResponseHeaders();
            }

            if (!trailersOnly && status.StatusCode == StatusCode.OK && status.Detail.Length == 0 && _responseTrailers is not { Count: > 0 })
            {
                // The common case: one trailer, nothing to encode.
                // Set through the typed slot: AppendTrailer would look the name up among Kestrel's known trailers.
                var trailers = _http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers
                    ?? throw new InvalidOperationException("This response does not support trailers.");
                trailers.GrpcStatus = "0";

                await _http.Response.CompleteAsync().ConfigureAwait(false);
                return;
            }

            if (richStatus is not null && richStatus.Code != (int)status.StatusCode)
            {
                richStatus = richStatus.Clone();
                richStatus.Code = (int)status.StatusCode;
            }

            var pairs = new List<KeyValuePair<string, string>>
            {
                new(GrpcProtocol.StatusHeader, ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            };
            if (!string.IsNullOrEmpty(status.Detail))
            {
                pairs.Add(new(GrpcProtocol.MessageHeader, PercentEncoding.Encode(status.Detail)));
            }

            if (richStatus is not null && status.StatusCode != StatusCode.OK)
            {
                pairs.Add(new(GrpcProtocol.StatusDetailsHeader, MetadataCodec.EncodeStatusDetails(richStatus)));
            }

            foreach (var entry in _responseTrailers ?? [])
            {
                pairs.Add(new(entry.Key, MetadataCodec.ToHeaderValue(entry)));
            }

            foreach (var (name, value) in pairs)
            {
                if (trailersOnly)
                {
                    _http.Response.Headers.Append(name, value);
                }
                else
                {
                    _http.Response.AppendTrailer(name, new StringValues(value));
                }
            }

            await _http.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or ConnectionAbortedException)
        {
            FinalStatus = new Status(StatusCode.Cancelled, "The connection closed before the status was sent.");
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    public Status FinalStatus { get; private set; }

    /// <summary>Structured properties for this call's log line, e.g. tenant and actor set by an auth interceptor.</summary>
    public List<KeyValuePair<string, object?>> LogProperties => LogPropertiesOrNull ??= new();

    public List<KeyValuePair<string, object?>>? LogPropertiesOrNull { get; private set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _cts?.Dispose();
    }
}
