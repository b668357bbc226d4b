using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.System;

/// <summary>
/// A JSON route's body that is not JSON, or JSON that does not fit the request message (a field it
/// lacks, a value of the wrong type), gets REQUEST_JSON_INVALID with the line and column, and the
/// field's path; a body the transcoder reads reaches it whole, however it was cut into reads.
/// </summary>
public sealed class JsonBodyTests(SqliteHostFixture host) : IClassFixture<SqliteHostFixture>
{
    [Theory]
    [InlineData("""{"email":"a@example.com",}""", 1, 26, "trailing comma")]
    [InlineData("""{'email':'a@example.com'}""", 1, 2, "invalid start of a property name")]
    [InlineData("""{"email":"a@example.com"} {}""", 1, 27, "invalid after a single JSON value")]
    [InlineData("{\n  \"email\": \"a@example.com\",\n  \"role\": TENANT_ROLE_VIEWER\n}", 3, 11, "")]
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
        // A value longer than the check's first buffer, which the handler then refuses: its
        // FIELD_INVALID proves the transcoder read the body the check had read before it.
        var body = $$"""{"email":"{{new string('x', 100_000)}}","role":"TENANT_ROLE_VIEWER","initialPassword":"Viewer-Password-123"}""";
        var bytes = Encoding.UTF8.GetBytes(body);

        var (status, json) = await PostMemberAsync(byteOrderMark ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("FIELD_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
        Assert.Equal("email", FieldViolationsOf(json)[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{"email":"not-an-email","role":1,"initial_password":"Viewer-Password-123"}""")]
    [InlineData("""{"email":"not-an-email","role":"TENANT_ROLE_VIEWER","requestId":null,"initialPassword":"Viewer-Password-123"}""")]
    [InlineData("""{ "email" : "not-an-email" , "role" : "TENANT_ROLE_VIEWER" , "initialPassword" : "Viewer-Password-123" }""")]
    public async Task CreateMember_BodyTheTranscoderReads_ReachesTheHandler(string body)
    {
        var (status, json) = await PostMemberAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("FIELD_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task CreateImport_BodyOverKestrelsLimit_Is413WithTheLimitAndWhatToDoInstead()
    {
        // 31 MB of base64 in the one field that takes a file; Kestrel reads at most 30,000,000 bytes of a request.
        var body = Encoding.ASCII.GetBytes($$"""{"kind":"roster","source":"{{new string('A', 31_000_000)}}"}""");
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.RestAddress, "/v1/imports")) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ClientTokenAsync(host.Demo));
        // As curl sends a big body: the answer comes before the body is sent, which is then never sent.
        request.Headers.ExpectContinue = true;

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(8, json.RootElement.GetProperty("code").GetInt32());
        var info = ErrorInfoOf(json);
        Assert.Equal("UPLOAD_TOO_LARGE", info.GetProperty("reason").GetString());
        Assert.Equal("30000000", info.GetProperty("metadata").GetProperty("max_upload_bytes").GetString());
        Assert.Contains("UploadImport", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMember_BodyInUtf16_IsLeftToTheTranscoderWhichConvertsIt()
    {
        var body = """{"email":"not-an-email","role":"TENANT_ROLE_VIEWER","initialPassword":"Viewer-Password-123"}""";

        var (status, json) = await PostMemberAsync(Encoding.Unicode.GetBytes(body), "application/json; charset=utf-16");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("FIELD_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    public async Task CreateMember_NoBodyAtAll_ReadsAsAnEmptyObjectAndReachesTheHandler(string? contentType)
    {
        // curl -X POST without -d; Content-Length: 0 with a JSON type reads the same way.
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.RestAddress, "/v1/members"));
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ClientTokenAsync(host.Demo));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("FIELD_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
        Assert.Contains("email", FieldViolationsOf(json).Select(v => v.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task CreateMember_ChunkedBodyOfNoBytes_ReadsAsAnEmptyObjectToo()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.RestAddress, "/v1/members")) { Content = new StreamContent(new MemoryStream()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ClientTokenAsync(host.Demo));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("FIELD_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task CreateMember_BodyOfWhiteSpaceOnly_IsNotValidJson()
    {
        var (status, json) = await PostMemberAsync(Encoding.UTF8.GetBytes("  \n "));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("the body holds no JSON value", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        var metadata = ErrorInfoOf(json).GetProperty("metadata");
        Assert.Equal(("2", "2"), (metadata.GetProperty("line").GetString(), metadata.GetProperty("column").GetString()));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    public async Task CreateMember_JsonSentAsAnotherType_Is415SayingHowToSendJson(string contentType)
    {
        // curl -d '{…}' without a content type sends it as a form.
        var (status, json) = await PostMemberAsync(Encoding.UTF8.GetBytes("""{"email":"a@example.com"}"""), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        var info = ErrorInfoOf(json);
        Assert.Equal("REQUEST_JSON_INVALID", info.GetProperty("reason").GetString());
        Assert.Equal(contentType, info.GetProperty("metadata").GetProperty("content_type").GetString());
        Assert.Contains("content-type: application/json", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMember_MisspeltField_IsRefusedWithTheNameItMeant()
    {
        // The transcoder alone skips a field it does not know: the member would be made without the role.
        var body = "{\n  \"email\": \"new.viewer@example.com\",\n  \"rol\": \"TENANT_ROLE_VIEWER\"\n}";

        var (status, json) = await PostMemberAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var info = ErrorInfoOf(json);
        Assert.Equal("REQUEST_JSON_INVALID", info.GetProperty("reason").GetString());
        var metadata = info.GetProperty("metadata");
        Assert.Equal(("3", "3", "rol"), (metadata.GetProperty("line").GetString(), metadata.GetProperty("column").GetString(), metadata.GetProperty("field").GetString()));
        var violation = FieldViolationsOf(json).Single();
        Assert.Equal("rol", violation.GetProperty("field").GetString());
        Assert.Equal("CreateMemberRequest has no field \"rol\"; did you mean \"role\"?", violation.GetProperty("description").GetString());
        Assert.StartsWith("The request body does not fit CreateMemberRequest at rol (line 3, column 3): ", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"title":"Fall","targetSize":"five"}""", "cohort.target_size", "expects a whole number (int32), not the string \"five\"")]
    [InlineData("""{"title":"Fall","target_size":12.5}""", "cohort.target_size", "expects a whole number (int32), not the number 12.5")]
    [InlineData("""{"title":["Fall"]}""", "cohort.title", "expects a string, not an array")]
    [InlineData("""{"startDate":{"year":2026}}""", "cohort.start_date", "expects a string, not an object")]
    [InlineData("""{"state":"RUNNING"}""", "cohort.state", "\"RUNNING\" is not a CohortState: use one of COHORT_STATE_UNSPECIFIED, COHORT_STATE_PLANNING, COHORT_STATE_RECRUITING, COHORT_STATE_RUNNING, COHORT_STATE_CLOSED (or its number)")]
    [InlineData("""{"title":"Fall","targetsize":5}""", "cohort.targetsize", "Cohort has no field \"targetsize\"; did you mean \"targetSize\"?")]
    public async Task UpdateCohort_ValueOfTheWrongType_NamesTheFieldItsPathAndWhatItTakes(string cohort, string field, string problem)
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(host.RestAddress, "/v1/cohorts/fall-2026?updateMask=title"))
        {
            Content = new StringContent(cohort, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ClientTokenAsync(host.Demo));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("REQUEST_JSON_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
        var violation = FieldViolationsOf(json).Single();
        Assert.Equal((field, problem), (violation.GetProperty("field").GetString(), violation.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task CreateMember_ThreeMistakes_AreAllNamedInOneAnswer()
    {
        var body = "{\n  \"emial\": \"new.viewer@example.com\",\n  \"role\": \"VIEWER\",\n  \"initialPassword\": 12\n}";

        var (status, json) = await PostMemberAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["emial", "role", "initial_password"], FieldViolationsOf(json).Select(v => v.GetProperty("field").GetString()));
        Assert.Equal("emial", ErrorInfoOf(json).GetProperty("metadata").GetProperty("field").GetString());
        var message = json.RootElement.GetProperty("message").GetString()!;
        Assert.StartsWith("The request body does not fit CreateMemberRequest at emial (line 2, column 3): ", message, StringComparison.Ordinal);
        Assert.EndsWith(" 2 more problems are in the field violations.", message, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, JsonDocument Json)> PostMemberAsync(byte[] body, string contentType = "application/json")
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.RestAddress, "/v1/members")) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ClientTokenAsync(host.Demo));

        using var response = await http.SendAsync(request);

        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static JsonElement ErrorInfoOf(JsonDocument status) => JsonApiTests.ErrorInfoOf(status);

    private static List<JsonElement> FieldViolationsOf(JsonDocument status) => JsonApiTests.FieldViolationsOf(status);
}
