using System.Text.Json;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Peers;

/// <summary>
/// Plain curl on the HTTP/JSON routes, as a script or a partner without any gRPC stack would use
/// them: a token with client credentials, a read, and an error whose reason and field violations
/// come back in the google.rpc.Status JSON. HTTP/1.1 on the JSON endpoint; HTTP/2 prior knowledge
/// on the gRPC port. (The Guardian upload is client streaming and has no JSON route.) And curl
/// posting JSON to a gRPC method's own path, which is the Connect protocol's unary call (ADR 0033).
/// </summary>
public sealed class CurlJsonTests(PartnerHost host) : IClassFixture<PartnerHost>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Curl_TokenThenCaller_ReturnsTheApiClientAsJson(bool http2)
    {
        var baseUrl = http2 ? host.Address : host.Host.RestAddress;
        var token = await CurlJsonAsync(http2, ["-d", "grant_type=client_credentials", "-d", "client_id=" + host.ClientId, "--data-urlencode", "client_secret=" + host.ClientSecret, new Uri(baseUrl, "/oauth2/token").ToString()]);

        var caller = await CurlJsonAsync(http2, ["-H", "authorization: Bearer " + token.GetProperty("access_token").GetString(), new Uri(baseUrl, "/v1/caller").ToString()]);

        Assert.Equal(host.TenantId, caller.GetProperty("tenantId").GetString());
        Assert.Equal(host.ClientId, caller.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Curl_CreateMemberWithBadEmail_Is400WithReasonAndFieldViolation()
    {
        var result = await PeerProcess.RunAsync("curl",
            ["--silent", "--show-error", "--write-out", "\n%{http_code}", "-H", "authorization: Bearer " + await host.TokenAsync(),
                "-H", "content-type: application/json", "-d", """{"email":"not-an-email","role":"TENANT_ROLE_VIEWER","initialPassword":"Viewer-Password-123"}""",
                new Uri(host.Host.RestAddress, "/v1/members").ToString()]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var body = result.Stdout[..result.Stdout.LastIndexOf('\n')];
        Assert.Equal("400", result.Stdout[(result.Stdout.LastIndexOf('\n') + 1)..]);
        var details = JsonDocument.Parse(body).RootElement.GetProperty("details").EnumerateArray().ToList();
        var info = details.Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        Assert.Equal("FIELD_INVALID", info.GetProperty("reason").GetString());
        Assert.Equal("pilotdeck", info.GetProperty("domain").GetString());
        var badRequest = details.Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Contains(badRequest.GetProperty("fieldViolations").EnumerateArray(), v => v.GetProperty("field").GetString() == "email");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Curl_JsonPostedToTheGrpcMethod_IsAConnectCall(bool http2)
    {
        // The Connect protocol's unary JSON is what curl sends anyway: the method's path, a JSON body.
        var baseUrl = http2 ? host.Address : host.Host.RestAddress;
        var caller = await CurlJsonAsync(http2, ["-H", "authorization: Bearer " + await host.TokenAsync(), "-H", "content-type: application/json", "-d", "{}",
            new Uri(baseUrl, "/pilotdeck.identity.v1.IdentityService/GetCallerIdentity").ToString()]);

        Assert.Equal(host.TenantId, caller.GetProperty("tenantId").GetString());
        Assert.Equal(host.ClientId, caller.GetProperty("subject").GetString());
    }

    [Theory]
    [InlineData("application/json", """{"email":"not-an-email","role":"TENANT_ROLE_VIEWER"}""", "400", "invalid_argument", "The new account was refused")]
    [InlineData("application/json", """{"emial":"a@example.com"}""", "400", "invalid_argument", "is not a pilotdeck.identity.v1.CreateMemberRequest in JSON: Unknown field: emial")]
    [InlineData("application/x-www-form-urlencoded", "email=a@example.com", "415", "invalid_argument", "Its JSON route is POST /v1/members.")]
    public async Task Curl_GrpcMethodRefusal_IsConnectErrorJson(string contentType, string body, string httpStatus, string code, string says)
    {
        var result = await PeerProcess.RunAsync("curl",
            ["--http2-prior-knowledge", "--silent", "--show-error", "--write-out", "\n%{http_code}", "-H", "authorization: Bearer " + await host.TokenAsync(),
                "-H", "content-type: " + contentType, "-d", body, new Uri(host.Address, "/pilotdeck.identity.v1.IdentityService/CreateMember").ToString()]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(httpStatus, result.Stdout[(result.Stdout.LastIndexOf('\n') + 1)..]);
        var error = JsonDocument.Parse(result.Stdout[..result.Stdout.LastIndexOf('\n')]).RootElement;
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        if (httpStatus == "400" && says.StartsWith("The new", StringComparison.Ordinal))
        {
            // Each detail also comes as JSON, for readers without the schema.
            var info = error.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("type").GetString() == "google.rpc.ErrorInfo");
            Assert.Equal("PASSWORD_REJECTED", info.GetProperty("debug").GetProperty("reason").GetString());
        }
    }

    private static async Task<JsonElement> CurlJsonAsync(bool http2, string[] arguments)
    {
        string[] protocol = http2 ? ["--http2-prior-knowledge"] : ["--http1.1"];
        var result = await PeerProcess.RunAsync("curl", [.. protocol, "--silent", "--show-error", "--fail-with-body", .. arguments]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }
}
