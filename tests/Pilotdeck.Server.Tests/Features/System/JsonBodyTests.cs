using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.System;

/// <summary>
/// A JSON route's body that is not JSON gets REQUEST_JSON_INVALID with the line and column where
/// the parser stopped; a body that is JSON reaches the transcoder whole, however it was cut into reads.
/// </summary>
public sealed class JsonBodyTests(SqliteHostFixture host) : IClassFixture<SqliteHostFixture>
{
    [Theory]
    [InlineData("""{"email":"a@example.com",}""", 1, 26, "trailing comma")]
    [InlineData("""{'email':'a@example.com'}""", 1, 2, "invalid start of a property name")]
    [InlineData("""{"email":"a@example.com"} {}""", 1, 27, "invalid after a single JSON value")]
    [InlineData("{\n  \"email\": \"a@example.com\",\n  \"role\": TENANT_ROLE_VIEWER\n}", 3, 11, "")]
    [InlineData("", 1, 1, "the body is empty")]
    public async Task CreateMember_BodyIsNotJson_Is400WithWhereTheParserStopped(string body, int line, int column, string saying)
    {
        var (status, json) = await PostMemberAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, json.RootElement.GetProperty("code").GetInt32());
        var message = json.RootElement.GetProperty("message").GetString()!;
        Assert.StartsWith("The request body is not valid JSON: ", message, StringComparison.Ordinal);
        Assert.Contains(saying, message, StringComparison.Ordinal);
        Assert.DoesNotContain("isFinalBlock", message, StringComparison.Ordinal);
        var info = ErrorInfoOf(json);
        Assert.Equal("REQUEST_JSON_INVALID", info.GetProperty("reason").GetString());
        Assert.Equal(($"{line}", $"{column}"), (info.GetProperty("metadata").GetProperty("line").GetString(), info.GetProperty("metadata").GetProperty("column").GetString()));
    }

    [Fact]
    public async Task CreateMember_ErrorAfterManyReads_IsPlacedOnItsLine()
    {
        var body = "{\"email\": \"a@example.com\"," + new string(' ', 40_000) + "\n\n\n  \"role\": tru }";

        var (status, json) = await PostMemberAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var metadata = ErrorInfoOf(json).GetProperty("metadata");
        Assert.Equal("4", metadata.GetProperty("line").GetString());
        Assert.Equal("14", metadata.GetProperty("column").GetString()); // the reader stops after "tru"
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateMember_ValidJsonWithALongValueOrAByteOrderMark_ReachesTheTranscoderWhole(bool byteOrderMark)
    {
        // A string longer than the check's first buffer (in a field the transcoder ignores), then a field the handler refuses: its
        // FIELD_INVALID proves the transcoder read the body the check had read before it.
        var body = $$"""{"comment":"{{new string('x', 100_000)}}","email":"not-an-email","role":"TENANT_ROLE_VIEWER","initialPassword":"Viewer-Password-123"}""";
        var bytes = Encoding.UTF8.GetBytes(body);

        var (status, json) = await PostMemberAsync(byteOrderMark ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("FIELD_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
        var badRequest = json.RootElement.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Equal("email", badRequest.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    private async Task<(HttpStatusCode Status, JsonDocument Json)> PostMemberAsync(byte[] body)
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.RestAddress, "/v1/members")) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ClientTokenAsync(host.Demo));

        using var response = await http.SendAsync(request);

        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static JsonElement ErrorInfoOf(JsonDocument status) => JsonApiTests.ErrorInfoOf(status);
}
