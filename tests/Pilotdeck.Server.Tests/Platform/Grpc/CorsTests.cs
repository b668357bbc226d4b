using System.Net;
using System.Net.Http.Headers;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Platform.Grpc;

/// <summary>
/// What a browser on another origin asks before and while calling the API over gRPC-Web or the
/// Connect protocol, against a host that allows one origin (<c>Pilotdeck:Cors:AllowedOrigins</c>):
/// the allowed origin may send both protocols' headers and read the status headers; any other
/// origin is not let in.
/// </summary>
public sealed class CorsTests : IAsyncLifetime
{
    private const string AllowedOrigin = "https://app.example.test";
    private const string Method = "/pilotdeck.system.v1.SystemService/GetServerInfo";

    private PilotdeckTestHost _host = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _host = await PilotdeckTestHost.StartAsync([$"--Pilotdeck:Cors:AllowedOrigins:0={AllowedOrigin}"]);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("content-type,x-grpc-web,x-user-agent,grpc-timeout,authorization")]
    [InlineData("content-type,connect-protocol-version,connect-timeout-ms,authorization")]
    public async Task Preflight_FromTheAllowedOrigin_AllowsTheProtocolsHeaders(string requestHeaders)
    {
        using var response = await PreflightAsync(AllowedOrigin, requestHeaders);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = response.Headers.GetValues("Access-Control-Allow-Headers").SelectMany(v => v.Split(',')).Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
        Assert.All(requestHeaders.Split(','), header => Assert.Contains(header, allowed));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsNotLetIn()
    {
        using var response = await PreflightAsync("https://elsewhere.example.test", "content-type,connect-protocol-version");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ConnectCall_FromTheAllowedOrigin_IsAnsweredForThatOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.RestAddress, Method)) { Content = new StringContent("{}") };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Origin", AllowedOrigin);
        request.Headers.Add("Connect-Protocol-Version", "1");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("\"version\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin, string requestHeaders)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(_host.RestAddress, Method));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", requestHeaders);
        return await _http.SendAsync(request);
    }
}
