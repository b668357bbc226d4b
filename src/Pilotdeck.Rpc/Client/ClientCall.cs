using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc;

/// <summary>
/// One client call: builds the HTTP/2 request, reads the response messages and the final status,
/// and turns deadline, cancellation and transport failures into gRPC statuses.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    private static readonly string UserAgent = "pilotdeck-rpc-dotnet/" + typeof(ClientCall<,>).Assembly.GetName().Version;

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly DateTime? _deadline;
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _requestEncoding;
    private Task<HttpResponseMessage>? _send;
    private HttpResponseMessage? _response;
    private PipeReader? _body;
    private string? _responseEncoding;
    private Status? _status;
    private Metadata _trailers = Metadata.Empty;
    private Google.Rpc.Status? _richStatus;
    private ResponseReader? _reader;
    private int _disposed;

    public ClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _requestEncoding = options.Headers?.GetValue(GrpcChannel.RequestEncodingHeader) ?? channel.Options.RequestCompression;
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            _deadline = deadline.ToUniversalTime();
            // A token of its own: it reads as cancelled before any callback of the linked call token runs.
            _deadlineCts = new CancellationTokenSource();
            _cts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadlineCts.Token);
            var remaining = _deadline.Value - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                _deadlineCts.Cancel();
            }
            else
            {
                _deadlineCts.CancelAfter(remaining);
            }
        }
        else
        {
            _cts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        }

        State = new CallState(_headers.Task, GetStatus, GetTrailers, Dispose);
    }

    public CallState State { get; }

    // Only streaming responses are read through it; a unary call never needs one.
    public IAsyncStreamReader<TResponse> ResponseStream => _reader ??= new ResponseReader(this);

    public Task<TResponse> RunUnaryAsync(TRequest request)
    {
        try
        {
            StartWithSingleRequest(request);
        }
        catch (Exception ex)
        {
            // As an async method would: a failure to start surfaces from the response task.
            return Task.FromException<TResponse>(ex);
        }

        return ReadSingleResponseAsync();
    }

    public void StartWithSingleRequest(TRequest request)
    {
        try
        {
            var content = new ByteArrayContent(MessageFraming.Frame(Serialize(request), EncodingFor(_options.WriteOptions)));
            Send(content);
        }
        catch (RpcException ex)
        {
            _send = Task.FromException<HttpResponseMessage>(ex);
        }
    }

    public IClientStreamWriter<TRequest> StartWithRequestStream()
    {
        var content = new StreamingRequestContent();
        Send(content);
        return new RequestWriter(this, content);
    }

    private void Send(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.UriFor(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        content.Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, "trailers");
        headers.TryAddWithoutValidation(GrpcProtocol.UserAgentHeader, UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcCompression.AcceptEncodingValue);
        if (_requestEncoding is not null)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, _requestEncoding);
        }

        if (_deadline is { } deadline)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline - DateTime.UtcNow));
        }

        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                if (entry.Key != GrpcChannel.RequestEncodingHeader)
                {
                    headers.TryAddWithoutValidation(entry.Key, MetadataCodec.ToHeaderValue(entry));
                }
            }
        }

        _send = _channel.HttpInvoker.SendAsync(request, _cts.Token);
    }

    private byte[] Serialize(TRequest message)
    {
        var payload = _method.RequestMarshaller.Serializer(message);
        if (_channel.Options.MaxSendMessageSize is { } max && payload.Length > max)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Sending message larger than max ({payload.Length} vs. {max})."));
        }

        return payload;
    }

    private string? EncodingFor(WriteOptions? writeOptions) =>
        (writeOptions?.Flags ?? WriteFlags.None).HasFlag(WriteFlags.NoCompress) ? null : _requestEncoding;

    /// <summary>Waits for response headers; returns false when the call already ended (Trailers-Only or HTTP error).</summary>
    private async Task<bool> EnsureResponseAsync()
    {
        if (_status is not null)
        {
            return false;
        }

        if (_body is not null)
        {
            return true;
        }

        try
        {
            _response = await _send!.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Finish(StatusFromException(ex), Metadata.Empty);
            return false;
        }

        var headers = ToMetadata(_response.Headers);
        _headers.TrySetResult(headers.Freeze());

        if (_response.StatusCode != HttpStatusCode.OK)
        {
            Finish(new Status(MapHttpStatus(_response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)_response.StatusCode}"), Metadata.Empty);
            return false;
        }

        if (TryReadStatus(_response.Headers, out var trailersOnlyStatus))
        {
            Finish(trailersOnlyStatus, headers);
            return false;
        }

        var contentType = _response.Content.Headers.ContentType?.MediaType;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            Finish(new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}"), Metadata.Empty);
            return false;
        }

        if (FirstValue(_response.Headers, GrpcProtocol.EncodingHeader) is { } encoding)
        {
            _responseEncoding = encoding;
            if (!GrpcCompression.IsSupported(encoding))
            {
                Finish(new Status(StatusCode.Internal, $"Server used unsupported grpc-encoding '{_responseEncoding}'."), Metadata.Empty);
                return false;
            }
        }

        _body = PipeReader.Create(await _response.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false));
        return true;
    }

    /// <summary>Reads the next response message; null once the stream ended with OK. A non-OK end throws.</summary>
    public async Task<TResponse?> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (await EnsureResponseAsync().ConfigureAwait(false))
        {
            ReceivedMessage? received;
            try
            {
                // Unary reads pass no token of their own: the call's token alone needs no linking.
                using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token) : null;
                received = await MessageFraming.ReadMessageAsync(_body!, _channel.Options.MaxReceiveMessageSize, _responseEncoding, linked?.Token ?? _cts.Token).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                Finish(ex.Status, Metadata.Empty);
                Abort();
                throw StatusException();
            }
            catch (Exception ex)
            {
                Finish(StatusFromException(ex), Metadata.Empty);
                throw StatusException();
            }

            if (received is { } message)
            {
                try
                {
                    return _method.ResponseMarshaller.Deserializer(message.Payload);
                }
                catch (Exception ex)
                {
                    Finish(new Status(StatusCode.Internal, "Failed to deserialize response message: " + ex.Message), Metadata.Empty);
                    Abort();
                    throw StatusException();
                }
            }

            ReadTrailers();
        }

        if (_status!.Value.StatusCode != StatusCode.OK)
        {
            throw StatusException();
        }

        return null;
    }

    public async Task<TResponse> ReadSingleResponseAsync()
    {
        var message = await ReadNextAsync(CancellationToken.None).ConfigureAwait(false);
        if (message is null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize response message: the server sent no message."));
        }

        if (await ReadNextAsync(CancellationToken.None).ConfigureAwait(false) is not null)
        {
            Finish(new Status(StatusCode.Internal, "The server sent more than one message for a unary response."), Metadata.Empty);
            throw StatusException();
        }

        return message;
    }

    private void ReadTrailers()
    {
        var source = _response!.TrailingHeaders;
        var trailers = ToMetadata(source);
        if (TryReadStatus(source, out var status))
        {
            Finish(status, trailers);
        }
        else
        {
            Finish(new Status(StatusCode.Unknown, "The server closed the stream without a grpc-status trailer."), trailers);
        }
    }

    private bool TryReadStatus(HttpHeaders headers, out Status status)
    {
        status = default;
        if (FirstValue(headers, GrpcProtocol.StatusHeader) is not { } text)
        {
            return false;
        }

        var code = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? (StatusCode)value
            : StatusCode.Unknown;
        var message = FirstValue(headers, GrpcProtocol.MessageHeader) is { } encoded ? PercentEncoding.Decode(encoded) : "";
        _richStatus = FirstValue(headers, GrpcProtocol.StatusDetailsHeader) is { } details ? MetadataCodec.DecodeStatusDetails(details) : null;
        status = new Status(code, message);
        return true;
    }

    // Headers are read as received (NonValidated): gRPC metadata is opaque to HttpClient's parsers,
    // and the validating view parses every value of every response.
    private static string? FirstValue(HttpHeaders headers, string name)
    {
        if (!headers.NonValidated.TryGetValues(name, out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            return value;
        }

        return null;
    }

    private static Metadata ToMetadata(HttpHeaders source)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in source.NonValidated)
        {
            foreach (var value in values)
            {
                MetadataCodec.AddFromHeader(metadata, name, value);
            }
        }

        return metadata;
    }

    /// <summary>The deadline fired, and neither the user's token nor our own abort came first.</summary>
    private bool DeadlineExceeded => _deadlineCts is { IsCancellationRequested: true } && !_options.CancellationToken.IsCancellationRequested;

    private Status StatusFromException(Exception ex)
    {
        if (DeadlineExceeded)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (_cts.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }

        return ex switch
        {
            RpcException rpc => rpc.Status,
            HttpRequestException { InnerException: HttpProtocolException protocol } => StatusFromProtocolError(protocol),
            HttpProtocolException protocol => StatusFromProtocolError(protocol),
            HttpRequestException http => new Status(StatusCode.Unavailable, "Error starting gRPC call: " + http.Message),
            IOException { InnerException: HttpProtocolException protocol } => StatusFromProtocolError(protocol),
            IOException io => new Status(StatusCode.Unavailable, "Error reading gRPC response: " + io.Message),
            OperationCanceledException => new Status(StatusCode.Cancelled, "Call canceled."),
            _ => new Status(StatusCode.Internal, "Error in gRPC call: " + ex.Message),
        };
    }

    // HTTP/2 error codes as the spec maps them to statuses for a stream reset by the peer.
    private static Status StatusFromProtocolError(HttpProtocolException ex) => ex.ErrorCode switch
    {
        0x8 => new Status(StatusCode.Cancelled, "The server cancelled the stream."),
        0xB => new Status(StatusCode.ResourceExhausted, "The server reported ENHANCE_YOUR_CALM."),
        0xC => new Status(StatusCode.PermissionDenied, "The server requires a stronger transport (INADEQUATE_SECURITY)."),
        0x7 => new Status(StatusCode.Unavailable, "The server refused the stream."),
        _ => new Status(StatusCode.Internal, $"HTTP/2 stream error {ex.ErrorCode}: {ex.Message}"),
    };

    private static StatusCode MapHttpStatus(HttpStatusCode code) => (int)code switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private void Finish(Status status, Metadata trailers)
    {
        if (_status is not null)
        {
            return;
        }

        _status = status;
        _trailers = trailers.IsReadOnly ? trailers : trailers.Freeze();
        _headers.TrySetResult(Metadata.Empty);
        if (status.StatusCode != StatusCode.OK)
        {
            // Stop the request side too, so a streaming writer sees the failure.
            Abort();
        }
    }

    private RpcException StatusException() => new(_status!.Value, _trailers, _richStatus);

    private Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    private Metadata GetTrailers() => _status is null ? throw new InvalidOperationException("Unable to get the trailers because the call is not complete.") : _trailers;

    /// <summary>Stops both directions; disposing an unfinished HTTP/2 response is what sends RST_STREAM.</summary>
    private void Abort()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _response?.Dispose();
    }

    /// <summary>Cancels a call still running (RST_STREAM to the server) and releases the response.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_status is null)
        {
            Finish(new Status(StatusCode.Cancelled, "gRPC call disposed."), Metadata.Empty);
        }

        Abort();
    }

    private async Task WriteAsync(StreamingRequestContent content, TRequest message, WriteOptions? writeOptions, CancellationToken cancellationToken)
    {
        if (_status is { } status)
        {
            throw new RpcException(status, _trailers, _richStatus);
        }

        var frame = MessageFraming.Frame(Serialize(message), EncodingFor(writeOptions ?? _options.WriteOptions));
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
            await content.WriteAsync(frame, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            Finish(StatusFromException(ex), Metadata.Empty);
            throw StatusException();
        }
    }

    private sealed class ResponseReader : IAsyncStreamReader<TResponse>
    {
        private readonly ClientCall<TRequest, TResponse> _call;
        private TResponse? _current;

        public ResponseReader(ClientCall<TRequest, TResponse> call) => _call = call;

        public TResponse Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

        public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
        {
            _current = await _call.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            return _current is not null;
        }
    }

    private sealed class RequestWriter : IClientStreamWriter<TRequest>
    {
        private readonly ClientCall<TRequest, TResponse> _call;
        private readonly StreamingRequestContent _content;

        public RequestWriter(ClientCall<TRequest, TResponse> call, StreamingRequestContent content)
        {
            _call = call;
            _content = content;
        }

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default) =>
            _call.WriteAsync(_content, message, WriteOptions, cancellationToken);

        public Task CompleteAsync()
        {
            _content.Complete();
            return Task.CompletedTask;
        }
    }
}

/// <summary>A request body written message by message while the response is read: HTTP/2 full duplex.</summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task WriteAsync(byte[] frame, CancellationToken cancellationToken)
    {
        if (_completed.Task.IsCompleted)
        {
            throw new InvalidOperationException("The request stream has already been completed.");
        }

        var stream = await _stream.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Complete() => _completed.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
