using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Pilotdeck.Server.Platform.Errors;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace Pilotdeck.Server.Platform.Grpc.Connect;

/// <summary>
/// Takes grpc-dotnet's answer to a Connect call and gives it Connect's form. A streaming answer's
/// messages pass through as they come (the envelopes are the same) and its status and trailers
/// end the stream as a JSON end-of-stream envelope (flags 0x02), since Connect has no HTTP
/// trailers. A unary answer is held until the call ends: its one message is sent bare (or as JSON)
/// with trailers as <c>trailer-</c> headers, or its error as JSON with the matching HTTP status.
/// </summary>
internal sealed class ConnectResponse : IHttpResponseBodyFeature, IHttpResponseTrailersFeature
{
    /// <summary>
    /// <see cref="HttpContext.Items"/> key of a Connect call's gRPC status code, kept for the request
    /// log line: Connect carries the status in the body, where the log cannot see it.
    /// </summary>
    public const string StatusItem = "pilotdeck.connect.grpc-status";

    private const byte EndOfStream = 0x02;

    private readonly HttpContext _http;
    private readonly ConnectCodec _codec;
    private readonly MethodDescriptor? _json;
    private readonly IHttpResponseBodyFeature _body;
    private readonly IHttpResponseTrailersFeature? _trailers;
    private readonly MemoryStream? _held;
    private Stream? _stream;
    private bool _finished;

    public ConnectResponse(HttpContext http, ConnectCodec codec, MethodDescriptor? json)
    {
        (_http, _codec, _json) = (http, codec, json);
        _body = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        _trailers = http.Features.Get<IHttpResponseTrailersFeature>();
        if (codec == ConnectCodec.StreamingProto)
        {
            Writer = _body.Writer;
            http.Response.OnStarting(RenameStreamingHeaders);
        }
        else
        {
            _held = new MemoryStream();
            Writer = PipeWriter.Create(_held, new StreamPipeWriterOptions(leaveOpen: true));
        }

        http.Features.Set<IHttpResponseBodyFeature>(this);
        http.Features.Set<IHttpResponseTrailersFeature>(this);
    }

    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    public PipeWriter Writer { get; }

    public Stream Stream => _stream ??= Writer.AsStream();

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        _held is null ? _body.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task CompleteAsync() => FinishAsync();

    public void DisableBuffering() => _body.DisableBuffering();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A gRPC call sends no files.");

    /// <summary>Ends the answer in Connect's form; once.</summary>
    public async Task FinishAsync()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        var status = TakeStatus();
        _http.Items[StatusItem] = ((int)status.Code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_held is null)
        {
            await WriteEndOfStreamAsync(status);
            await _body.CompleteAsync();
            return;
        }

        await Writer.CompleteAsync();
        Detach();
        if (status.Code != StatusCode.OK)
        {
            await WriteUnaryErrorAsync(_http, status.Code, status.Message, status.Details, status.Metadata);
            return;
        }

        var payload = _held.ToArray().AsMemory(Math.Min(5, (int)_held.Length));
        var response = _http.Response;
        AddTrailersAsHeaders(response.Headers, status.Metadata);
        response.StatusCode = StatusCodes.Status200OK;
        if (_json is not null)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(JsonFormatter.Default.Format(_json.OutputType.Parser.ParseFrom(payload.Span)), _http.RequestAborted);
        }
        else
        {
            response.ContentType = "application/proto";
            response.ContentLength = payload.Length;
            await response.Body.WriteAsync(payload, _http.RequestAborted);
        }
    }

    /// <summary>Gives the context its own features back.</summary>
    public void Detach()
    {
        _http.Features.Set(_body);
        _http.Features.Set(_trailers);
    }

    /// <summary>A unary Connect error: JSON <c>{"code", "message", "details"}</c> under the HTTP status Connect gives its code.</summary>
    public static async Task WriteUnaryErrorAsync(HttpContext http, StatusCode code, string message, Google.Rpc.Status? details = null, IHeaderDictionary? metadata = null, int? httpStatus = null)
    {
        var response = http.Response;
        if (metadata is not null)
        {
            AddTrailersAsHeaders(response.Headers, metadata);
        }

        response.StatusCode = httpStatus ?? HttpStatusOf(code);
        response.ContentType = "application/json";
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(ErrorJson(code, message, details)), http.RequestAborted);
    }

    private async Task WriteEndOfStreamAsync(ConnectStatus status)
    {
        var end = new Dictionary<string, object>
        {
            ["metadata"] = status.Metadata.ToDictionary(h => h.Key, h => h.Value.ToArray()),
        };
        if (status.Code != StatusCode.OK)
        {
            end["error"] = ErrorJson(status.Code, status.Message, status.Details);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(end);
        var envelope = new byte[5 + json.Length];
        envelope[0] = EndOfStream;
        BinaryPrimitives.WriteUInt32BigEndian(envelope.AsSpan(1), (uint)json.Length);
        json.CopyTo(envelope, 5);
        await _body.Writer.WriteAsync(envelope, _http.RequestAborted);
    }

    /// <summary>
    /// The call's status, from the trailers, or from the headers when grpc-dotnet answered before
    /// any message ("trailers-only"); taken out of both, since Connect carries it in the body.
    /// </summary>
    private ConnectStatus TakeStatus()
    {
        var headers = _http.Response.Headers;
        var source = Trailers.ContainsKey("grpc-status") || _http.Response.HasStarted ? Trailers : headers;
        var code = int.TryParse(source["grpc-status"], out var number) ? (StatusCode)number : StatusCode.Unknown;
        var message = Uri.UnescapeDataString(source["grpc-message"].ToString());
        Google.Rpc.Status? details = null;
        if (source["grpc-status-details-bin"].ToString() is { Length: > 0 } encoded)
        {
            details = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Padded(encoded)));
        }

        if (!source.ContainsKey("grpc-status"))
        {
            message = "The call ended without a status.";
        }

        var metadata = new HeaderDictionary();
        foreach (var (name, value) in Trailers)
        {
            if (!name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name] = value;
            }
        }

        if (!_http.Response.HasStarted)
        {
            foreach (var name in headers.Keys.Where(k => k.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                headers.Remove(name);
            }
        }

        return new ConnectStatus(code, message, details, metadata);
    }

    private Task RenameStreamingHeaders()
    {
        var headers = _http.Response.Headers;
        _http.Response.ContentType = "application/connect+proto";
        if (headers.Remove("grpc-encoding", out var encoding))
        {
            headers["connect-content-encoding"] = encoding;
        }

        if (headers.Remove("grpc-accept-encoding", out var accepted))
        {
            headers["connect-accept-encoding"] = accepted;
        }

        return Task.CompletedTask;
    }

    private static void AddTrailersAsHeaders(IHeaderDictionary headers, IHeaderDictionary trailers)
    {
        foreach (var (name, value) in trailers)
        {
            headers["trailer-" + name] = value;
        }
    }

    private static Dictionary<string, object> ErrorJson(StatusCode code, string message, Google.Rpc.Status? details)
    {
        var error = new Dictionary<string, object> { ["code"] = CodeName(code), ["message"] = message };
        if (details is { Details.Count: > 0 })
        {
            // Connect names a detail by its full type name and sends its bytes in base64.
            error["details"] = details.Details.Select(Detail).ToList();
        }

        return error;
    }

    /// <summary>
    /// A detail as Connect sends it: its full type name and its bytes in base64, plus, for the
    /// details this server sends, the same as JSON under "debug" for readers without the schema.
    /// </summary>
    private static Dictionary<string, object> Detail(Google.Protobuf.WellKnownTypes.Any any)
    {
        var type = any.TypeUrl[(any.TypeUrl.LastIndexOf('/') + 1)..];
        var detail = new Dictionary<string, object> { ["type"] = type, ["value"] = Convert.ToBase64String(any.Value.Span).TrimEnd('=') };
        if (ApiErrors.DetailTypes.Find(type) is { } descriptor)
        {
            detail["debug"] = JsonDocument.Parse(JsonFormatter.Default.Format(descriptor.Parser.ParseFrom(any.Value))).RootElement;
        }

        return detail;
    }

    /// <summary>Connect's name of a code: the gRPC name in snake_case ("invalid_argument").</summary>
    private static string CodeName(StatusCode code) => code switch
    {
        StatusCode.Cancelled => "canceled",
        _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(code.ToString()),
    };

    /// <summary>The HTTP status Connect's protocol gives each code on a unary error.</summary>
    private static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => 400,
        StatusCode.DeadlineExceeded => 504,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.PermissionDenied => 403,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        StatusCode.Unauthenticated => 401,
        _ => 500,
    };

    private static string Padded(string base64) => base64.PadRight((base64.Length + 3) / 4 * 4, '=');

    private readonly record struct ConnectStatus(StatusCode Code, string Message, Google.Rpc.Status? Details, IHeaderDictionary Metadata);
}
