using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Pilotdeck.Rpc.Tests.Probe;
using Pilotdeck.Rpc.Wire;

namespace Pilotdeck.Rpc.Tests.Calls;

/// <summary>
/// Malformed traffic sent with a raw HTTP/2 client: each gets the status the spec asks for, and a
/// normal call right after still succeeds, so no bad request can take the server down.
/// </summary>
public sealed class WireInputTests : IClassFixture<ProbeServerFixture>, IDisposable
{
    private const string UnaryPath = "/pilotdeck.rpctest.v1.ProbeService/Unary";
    private readonly ProbeServerFixture _server;
    private readonly HttpClient _http = new(new SocketsHttpHandler());

    public WireInputTests(ProbeServerFixture server) => _server = server;

    public static TheoryData<string, byte[], string?, StatusCode> MalformedBodies => new()
    {
        { "truncated frame", [0, 0, 0, 0, 10, 1, 2, 3], null, StatusCode.Internal },
        { "truncated prefix", [0, 0, 0], null, StatusCode.Internal },
        { "length prefix over the limit", [0, 0x7F, 0xFF, 0xFF, 0xFF, 1], null, StatusCode.ResourceExhausted },
        { "compressed flag without encoding", [1, 0, 0, 0, 2, 0x0a, 0x00], null, StatusCode.Internal },
        { "unknown encoding", MessageFraming.Frame(new ProbeRequest { Text = "x" }.ToByteArray(), null), "br", StatusCode.Unimplemented },
        { "garbage bytes", "this is not a grpc frame"u8.ToArray(), null, StatusCode.Internal },
        { "frame of garbage protobuf", MessageFraming.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF], null), null, StatusCode.Internal },
        { "empty body for a unary method", [], null, StatusCode.Internal },
        { "two messages for a unary method", [.. MessageFraming.Frame([], null), .. MessageFraming.Frame([], null)], null, StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task MalformedRequest_GetsStatus_AndServerKeepsServing(string description, byte[] body, string? encoding, StatusCode expected)
    {
        var (status, message) = await SendRawAsync(UnaryPath, body, encoding);

        Assert.True(expected == status, $"{description}: expected {expected}, got {status} ({message})");
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task UnknownEncoding_AdvertisesWhatIsAccepted()
    {
        using var response = await _http.SendAsync(Request(UnaryPath, MessageFraming.Frame([], null), "br"));
        Assert.Equal("identity,gzip", response.Headers.GetValues(GrpcProtocol.AcceptEncodingHeader).Single());
    }

    [Fact]
    public async Task ServerDeadline_HandlerIgnoresToken_CallStillEndsDeadlineExceeded()
    {
        // No client-side deadline here: only the server's grpc-timeout handling can end this call.
        var body = MessageFraming.Frame(new ProbeRequest { DelayMs = 3_000, IgnoreCancellation = true }.ToByteArray(), null);
        var request = Request(UnaryPath, body, null);
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        var (status, _) = await ReadStatusAsync(await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));

        Assert.Equal(StatusCode.DeadlineExceeded, status);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task MalformedTimeout_IsRejected()
    {
        var request = Request(UnaryPath, MessageFraming.Frame([], null), null);
        request.Headers.TryAddWithoutValidation("grpc-timeout", "soon");
        var (status, _) = await ReadStatusAsync(await _http.SendAsync(request));
        Assert.Equal(StatusCode.Internal, status);
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var request = Request(UnaryPath, MessageFraming.Frame([], null), null);
        request.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Http11Request_Is426()
    {
        using var http1 = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Http1Address, UnaryPath))
        {
            Version = HttpVersion.Version11,
            Content = new ByteArrayContent(MessageFraming.Frame([], null)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var response = await http1.SendAsync(request);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task ClientResetMidStream_ServerKeepsServing()
    {
        // Half a frame, then the client abandons the stream: the server must see a reset, not hang or crash.
        var content = new HalfFrameContent();
        var request = Http2Request("/pilotdeck.rpctest.v1.ProbeService/ClientStream", content);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var cts = new CancellationTokenSource();
        var send = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await content.Written.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);

        await AssertServerStillServesAsync();
    }

    private async Task AssertServerStillServesAsync()
    {
        var response = await _server.CreateClient().UnaryAsync(new ProbeRequest { Text = "still here" });
        Assert.Equal("still here", response.Text);
    }

    private HttpRequestMessage Request(string path, byte[] body, string? encoding)
    {
        var request = Http2Request(path, new ByteArrayContent(body));
        request.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        return request;
    }

    private HttpRequestMessage Http2Request(string path, HttpContent content) => new(HttpMethod.Post, new Uri(_server.Http2Address, path))
    {
        Content = content,
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private async Task<(StatusCode Status, string Message)> SendRawAsync(string path, byte[] body, string? encoding) =>
        await ReadStatusAsync(await _http.SendAsync(Request(path, body, encoding)));

    private static async Task<(StatusCode Status, string Message)> ReadStatusAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsByteArrayAsync();
            var source = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
            var code = (StatusCode)int.Parse(source.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
            var message = source.TryGetValues("grpc-message", out var values) ? PercentEncoding.Decode(values.Single()) : "";
            return (code, message);
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed class HalfFrameContent : HttpContent
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(new byte[] { 0, 0, 0, 0, 50, 1, 2 }, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            Written.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
