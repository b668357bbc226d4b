using System.Net;
using Google.Protobuf;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Wire;

/// <summary>
/// The host's HTTP/2 surface with hand-built requests over one counted connection: every bad
/// request must end in a status on its own stream, and the next good call must go over the same
/// connection.
/// </summary>
public sealed class RawHttp2Tests(PartnerHost host) : IClassFixture<PartnerHost>
{
    private const string CallerIdentity = "/pilotdeck.identity.v1.IdentityService/GetCallerIdentity";
    private const string GetAnalysis = "/pilotdeck.guardian.v1.GuardianService/GetAnalysis";

    [Fact]
    public async Task GetCallerIdentity_WithoutToken_IsTrailersOnlyWithStatusInHeaders()
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();

        using var response = await http.SendAsync(GrpcWire.Request(host.Address, CallerIdentity, GrpcWire.Frame(new GetCallerIdentityRequest())));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("16", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Empty(body);
        Assert.Empty(response.TrailingHeaders);
        var status = GrpcWire.DetailsOf(response);
        Assert.NotNull(status);
        Assert.Equal("TOKEN_MISSING", status.Details.Single(d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>().Reason);
        await AssertGoodCallAsync(http, connections);
    }

    // application/json is a Connect unary call (ADR 0033), whose body must then be JSON; text/plain is no protocol's.
    [Theory]
    [InlineData("application/json", HttpStatusCode.BadRequest)]
    [InlineData("text/plain", HttpStatusCode.UnsupportedMediaType)]
    public async Task GrpcPost_WrongContentType_IsRefusedAndConnectionServesOn(string contentType, HttpStatusCode refused)
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();

        using var response = await http.SendAsync(GrpcWire.Request(host.Address, CallerIdentity, GrpcWire.Frame(new GetCallerIdentityRequest()), await host.TokenAsync(), contentType));

        Assert.Equal(refused, response.StatusCode);
        Assert.Equal("invalid_argument", System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        await AssertGoodCallAsync(http, connections);
    }

    [Theory]
    [InlineData("/pilotdeck.identity.v1.IdentityService/NoSuchMethod")]
    [InlineData("/pilotdeck.nosuch.v1.NoSuchService/GetCallerIdentity")]
    public async Task Call_UnknownMethodOrService_IsUnimplemented(string path)
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();

        using var response = await http.SendAsync(GrpcWire.Request(host.Address, path, GrpcWire.Frame(new GetCallerIdentityRequest()), await host.TokenAsync()));
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("12", GrpcWire.StatusOf(response));
        await AssertGoodCallAsync(http, connections);
    }

    // Framing errors are INTERNAL (13). A well-framed payload that is not the message is UNKNOWN (2):
    // grpc-dotnet reports a parse failure as an exception in the call, without its text.
    public static TheoryData<string, byte[], string> MalformedBodies => new()
    {
        // The prefix announces 100 bytes; the stream ends after 3.
        { "length past end", GrpcWire.Frame([0x0a, 0x01, 0x41], declaredLength: 100), "13" },
        // Fewer than the five bytes of a frame header.
        { "short header", [0x00, 0x00], "13" },
        // Flag 1 on a call that announced no grpc-encoding.
        { "compressed without encoding", GrpcWire.Frame(GrpcWire.Gzip(new GetAnalysisRequest { AnalysisId = "x" }.ToByteArray()), compressed: true), "13" },
        // A complete frame whose payload is not protobuf (field number 0, then a truncated varint).
        { "garbage payload", GrpcWire.Frame([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), "2" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task GetAnalysis_MalformedFrame_IsErrorStatusAndConnectionServesOn(string what, byte[] body, string expectedStatus)
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();

        using var response = await http.SendAsync(GrpcWire.Request(host.Address, GetAnalysis, body, await host.TokenAsync()));
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = GrpcWire.StatusOf(response);
        Assert.True(status == expectedStatus, $"{what}: grpc-status {status}");
        // The parser's exception text stays in the server log (DetailedErrors is off).
        var message = response.TrailingHeaders.TryGetValues("grpc-message", out var m) ? m.Single()
            : response.Headers.TryGetValues("grpc-message", out var h) ? h.Single() : "";
        Assert.DoesNotContain("Protobuf", Uri.UnescapeDataString(message));
        await AssertGoodCallAsync(http, connections);
    }

    [Fact]
    public async Task GetAnalysis_GzipCompressedRequest_IsDecompressedAndAnswered()
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();
        var id = "gzip-probe-" + Guid.NewGuid().ToString("N");
        var payload = GrpcWire.Gzip(new GetAnalysisRequest { AnalysisId = id }.ToByteArray());

        using var response = await http.SendAsync(GrpcWire.Request(host.Address, GetAnalysis, GrpcWire.Frame(payload, compressed: true), await host.TokenAsync(), encoding: "gzip"));
        await response.Content.ReadAsByteArrayAsync();

        // NOT_FOUND naming our id proves the handler read the decompressed message.
        Assert.Equal("5", GrpcWire.StatusOf(response));
        var info = GrpcWire.DetailsOf(response)!.Details.Single(d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal("ANALYSIS_NOT_FOUND", info.Reason);
        Assert.Equal(id, info.Metadata["id"]);
        await AssertGoodCallAsync(http, connections);
    }

    [Fact]
    public async Task GetAnalysis_UnsupportedRequestEncoding_IsUnimplementedWithAcceptedEncodings()
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();

        using var response = await http.SendAsync(GrpcWire.Request(host.Address, GetAnalysis, GrpcWire.Frame([0x0a, 0x01, 0x41], compressed: true), await host.TokenAsync(), encoding: "snappy"));
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("12", GrpcWire.StatusOf(response));
        Assert.Contains("gzip", string.Join(",", response.Headers.GetValues("grpc-accept-encoding")));
        await AssertGoodCallAsync(http, connections);
    }

    [Fact]
    public async Task GetCallerIdentity_OverGrpcWeb_AnswersWithTrailersInTheBody()
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();

        using var response = await http.SendAsync(GrpcWire.Request(host.Address, CallerIdentity, GrpcWire.Frame(new GetCallerIdentityRequest()), await host.TokenAsync(), "application/grpc-web+proto"));
        var frames = GrpcWire.ReadFrames(await response.Content.ReadAsByteArrayAsync());

        // "application/grpc-web" is the binary format, the same as "+proto" (not the base64 "-text").
        Assert.Equal("application/grpc-web", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, frames.Count);
        Assert.Equal(0, frames[0].Flag);
        Assert.Equal(host.ClientId, GetCallerIdentityResponse.Parser.ParseFrom(frames[0].Payload).Subject);
        // gRPC-Web carries the trailers as a final frame with the high bit set.
        Assert.Equal(0x80, frames[1].Flag);
        Assert.Contains("grpc-status:0", System.Text.Encoding.ASCII.GetString(frames[1].Payload).Replace(" ", ""));
        await AssertGoodCallAsync(http, connections);
    }

    [Fact]
    public async Task AnalyzeProject_GrpcTimeoutHeaderAndStalledBody_ServerEndsItDeadlineExceeded()
    {
        var connections = new ConnectionCounter();
        using var http = connections.CreateHttpClient();
        using var request = GrpcWire.StallingRequest(host.Address, "/pilotdeck.guardian.v1.GuardianService/AnalyzeProject",
            GrpcWire.Frame(new AnalyzeProjectRequest { Metadata = new AnalyzeProjectMetadata { ProjectName = "server-deadline" } }), await host.TokenAsync());
        // No client-side timer here: only the server's reading of grpc-timeout can end the call.
        request.Headers.TryAddWithoutValidation("grpc-timeout", "700m");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(20));
        var answeredAfter = watch.Elapsed;

        // grpc-dotnet answers Trailers-Only (status in the headers) and then resets the stream with
        // CANCEL because the request body never ended; the status has arrived before the reset.
        Assert.Equal("4", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.InRange(answeredAfter, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(15));
        await AssertGoodCallAsync(http, connections);
    }

    private async Task AssertGoodCallAsync(HttpClient http, ConnectionCounter connections)
    {
        using var response = await http.SendAsync(GrpcWire.Request(host.Address, CallerIdentity, GrpcWire.Frame(new GetCallerIdentityRequest()), await host.TokenAsync()));
        var frames = GrpcWire.ReadFrames(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal("0", GrpcWire.StatusOf(response));
        Assert.Equal(host.TenantId, GetCallerIdentityResponse.Parser.ParseFrom(Assert.Single(frames).Payload).TenantId);
        Assert.Equal(1, connections.Opened);
    }
}
