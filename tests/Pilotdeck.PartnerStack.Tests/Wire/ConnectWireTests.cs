using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Wire;

/// <summary>
/// The Connect protocol (ADR 0033) with hand-built requests over HTTP/2, for what buf curl does not
/// send: a compressed unary body, compressed JSON, a body past the message limit, and a streaming
/// call refused before its first message (its status in the end-of-stream envelope).
/// </summary>
public sealed class ConnectWireTests(PartnerHost host) : IClassFixture<PartnerHost>
{
    private const string CallerIdentity = "/pilotdeck.identity.v1.IdentityService/GetCallerIdentity";

    [Fact]
    public async Task UnaryProto_GzippedBody_IsReadAndAnsweredBare()
    {
        using var http = NewClient();

        using var response = await http.SendAsync(Request(CallerIdentity, GrpcWire.Gzip(new GetCallerIdentityRequest().ToByteArray()), "application/proto", await host.TokenAsync(), encoding: "gzip"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/proto", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(host.TenantId, GetCallerIdentityResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).TenantId);
    }

    [Fact]
    public async Task UnaryJson_Compressed_Is415SayingToSendItUncompressed()
    {
        using var http = NewClient();

        using var response = await http.SendAsync(Request(CallerIdentity, GrpcWire.Gzip("{}"u8), "application/json", await host.TokenAsync(), encoding: "gzip"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("without content-encoding", await ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryProto_PastTheMessageLimit_IsResourceExhausted()
    {
        using var http = NewClient();
        var request = new ListMembersRequest { PageToken = new string('a', (4 * 1024 * 1024) + 16) };

        using var response = await http.SendAsync(Request("/pilotdeck.identity.v1.IdentityService/ListMembers", request.ToByteArray(), "application/proto", await host.TokenAsync()));

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Contains("larger than the server's limit", await ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_RefusedBeforeItsFirstMessage_EndsWithTheStatusInTheEndOfStreamEnvelope()
    {
        using var http = NewClient();

        // No token: refused before any message, which gRPC answers "trailers-only".
        using var response = await http.SendAsync(Request("/pilotdeck.imports.v1.ImportsService/WatchImport",
            GrpcWire.Frame(new WatchImportRequest { ImportId = "imp_none" }), "application/connect+proto", token: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/connect+proto", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("grpc-status"));
        var (flag, payload) = Assert.Single(GrpcWire.ReadFrames(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(0x02, flag);
        var error = JsonDocument.Parse(payload).RootElement.GetProperty("error");
        Assert.Equal("unauthenticated", error.GetProperty("code").GetString());
        Assert.Contains(error.GetProperty("details").EnumerateArray(), d => d.GetProperty("debug").GetProperty("reason").GetString() == "TOKEN_MISSING");
    }

    private static HttpClient NewClient() => new();

    /// <summary>GrpcWire's HTTP/2 POST with Connect's headers; a unary body's encoding is its Content-Encoding.</summary>
    private HttpRequestMessage Request(string method, byte[] body, string contentType, string? token, string? encoding = null)
    {
        var request = GrpcWire.Request(host.Address, method, body, token, contentType);
        request.Headers.Add("Connect-Protocol-Version", "1");
        if (encoding is not null)
        {
            request.Content!.Headers.ContentEncoding.Add(encoding);
        }

        return request;
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()!;
}
