using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.System;

/// <summary>
/// The HTTP/JSON routes (google.api.http bindings served by JSON transcoding): plain HTTP/1.1 on the
/// API's HTTP endpoint and HTTP/2 on the h2c gRPC port, with the gRPC methods' auth and errors.
/// </summary>
public sealed class JsonApiTests : IClassFixture<SqliteHostFixture>
{
    private readonly SqliteHostFixture _host;

    public JsonApiTests(SqliteHostFixture host) => _host = host;

    [Fact]
    public async Task GetServerInfo_OverHttp11_ReturnsJsonWithoutToken()
    {
        using var http = Http11();

        using var response = await http.GetAsync(new Uri(_host.RestAddress, "/v1/server-info"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("0.1.0", json.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task GetCaller_OverHttp2PriorKnowledge_AnswersOnTheGrpcPort()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_host.Address, "/v1/caller"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _host.ClientTokenAsync(_host.Demo));

        using var response = await http.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(_host.Demo.TenantId, json.RootElement.GetProperty("tenantId").GetString());
        Assert.Equal(_host.Demo.ClientId, json.RootElement.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task GetCaller_WithoutToken_Is401WithTheStatusAndReason()
    {
        using var http = Http11();

        using var response = await http.GetAsync(new Uri(_host.RestAddress, "/v1/caller"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(16, json.RootElement.GetProperty("code").GetInt32());
        var info = ErrorInfoOf(json);
        Assert.Equal("TOKEN_MISSING", info.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task CreateMember_InvalidEmail_Is400WithFieldViolations()
    {
        using var http = Http11();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.RestAddress, "/v1/members"))
        {
            Version = HttpVersion.Version11,
            Content = new StringContent("""{"email":"not-an-email","role":"TENANT_ROLE_VIEWER","initialPassword":"Viewer-Password-123"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _host.ClientTokenAsync(_host.Demo));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("FIELD_INVALID", ErrorInfoOf(json).GetProperty("reason").GetString());
        Assert.Contains(FieldViolationsOf(json), v => v.GetProperty("field").GetString() == "email");
    }

    [Fact]
    public async Task MembersRoute_OtherTenantsToken_SeesOnlyItsOwnTenant()
    {
        using var http = Http11();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_host.RestAddress, "/v1/members?pageSize=200"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _host.ClientTokenAsync(_host.Acme));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(_host.Acme.OwnerEmail, body, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Demo.OwnerEmail, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheJsonRoutesAndBearerAuth()
    {
        using var http = Http11();

        var document = await http.GetStringAsync(new Uri(_host.RestAddress, "/openapi/v1.json"));
        using var reference = await http.GetAsync(new Uri(_host.RestAddress, "/docs/api/index.html"));

        using var json = JsonDocument.Parse(document);
        var paths = json.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/guardian/analyses/{analysisId}", out _), document[..Math.Min(document.Length, 400)]);
        Assert.True(paths.TryGetProperty("/v1/members", out _));
        Assert.Equal("bearer", json.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesQueryParametersAndFieldsWithTheProtoComments()
    {
        using var http = Http11();

        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(_host.RestAddress, "/openapi/v1.json")));

        var statuses = json.RootElement.GetProperty("paths").GetProperty("/v1/participants").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "statuses");
        Assert.Equal("Only these statuses; empty means all.", statuses.GetProperty("description").GetString());
        var targetSize = json.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Cohort").GetProperty("properties").GetProperty("targetSize");
        Assert.Equal("How many participants the pilot wants; 0 when not set.", targetSize.GetProperty("description").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_EveryRouteHasAnOperationIdOfItsOwn()
    {
        using var http = Http11();

        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(_host.RestAddress, "/openapi/v1.json")));

        var paths = json.RootElement.GetProperty("paths");
        var ids = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal("CohortsService_ListParticipants", paths.GetProperty("/v1/participants").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("ImportsService_CreateImport", paths.GetProperty("/v1/imports").GetProperty("post").GetProperty("operationId").GetString());
        Assert.Equal("ImportsService_CreateImport_2", paths.GetProperty("/imports").GetProperty("post").GetProperty("operationId").GetString());
    }

    [Theory]
    [InlineData("/v1/participant", "/v1/participants")]
    [InlineData("/v1/cohort/fall-2026", "/v1/cohorts/fall-2026")]
    [InlineData("/v1/cohorts/fall-2026/participant", "/v1/cohorts/fall-2026/participants")]
    [InlineData("/v1/imports/imp_123:comit", "/v1/imports/imp_123:commit")]
    public async Task MistypedRoute_Is404WithTheRouteItMostLikelyMeant(string path, string meant)
    {
        using var http = Http11();

        using var response = await http.SendAsync(new HttpRequestMessage(path.EndsWith(":comit", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, new Uri(_host.RestAddress, path)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(meant, ErrorInfoOf(json).GetProperty("metadata").GetProperty("did_you_mean").GetString());
        Assert.Contains($". Did you mean {meant}? ", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v1/no-such-route")]
    [InlineData("POST", "/v1/members/not/a/route")]
    public async Task UnknownRoute_Is404WithTheStatusAndReason(string method, string path)
    {
        using var http = Http11();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_host.RestAddress, path));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(5, json.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("/openapi/v1.json", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        var info = ErrorInfoOf(json);
        Assert.Equal("ROUTE_NOT_FOUND", info.GetProperty("reason").GetString());
        Assert.Equal(method, info.GetProperty("metadata").GetProperty("method").GetString());
        Assert.Equal(path, info.GetProperty("metadata").GetProperty("path").GetString());
        Assert.False(info.GetProperty("metadata").TryGetProperty("did_you_mean", out _), "no route is close to these");
    }

    [Fact]
    public async Task KnownRoute_OtherMethod_Is405WithTheAllowedMethods()
    {
        using var http = Http11();

        using var response = await http.GetAsync(new Uri(_host.RestAddress, "/v1/cohorts/fall-2025/participants"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(12, json.RootElement.GetProperty("code").GetInt32());
        var info = ErrorInfoOf(json);
        Assert.Equal("ROUTE_NOT_FOUND", info.GetProperty("reason").GetString());
        Assert.Equal("POST", info.GetProperty("metadata").GetProperty("allow").GetString());
    }

    [Fact]
    public async Task UnknownRoute_AskedByABrowser_IsThePortalsNotFoundPage()
    {
        using var http = Http11();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_host.RestAddress, "/no-such-page"));
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", page, StringComparison.Ordinal);
        Assert.Contains("/no-such-page", page, StringComparison.Ordinal);
    }

    /// <summary>The ErrorInfo of a google.rpc.Status body; JsonBodyTests reads its errors with it too.</summary>
    internal static JsonElement ErrorInfoOf(JsonDocument status) => DetailOf(status, "google.rpc.ErrorInfo");

    internal static List<JsonElement> FieldViolationsOf(JsonDocument status) => [.. DetailOf(status, "google.rpc.BadRequest").GetProperty("fieldViolations").EnumerateArray()];

    private static JsonElement DetailOf(JsonDocument status, string type) =>
        status.RootElement.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/" + type);

    private static HttpClient Http11() => new() { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
}
