using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Platform.Auth;

/// <summary>
/// A form past ASP.NET Core's limits sent to an OAuth endpoint is refused as RFC 6749 says
/// (invalid_request, with the limit), where OpenIddict reading it would have thrown a 500; a form
/// within them still reaches OpenIddict.
/// </summary>
public sealed class OAuthFormLimitsTests(SqliteHostFixture host) : IClassFixture<SqliteHostFixture>
{
    [Theory]
    [InlineData("/oauth2/token", "grant_type=password&", 5_000, "Form key length limit 2048 exceeded")]
    [InlineData("/oauth2/revoke", "token=pdr_x&", 0, "Form value count limit 1024 exceeded")]
    public async Task Post_FormPastTheLimits_IsInvalidRequestSayingWhich(string path, string start, int keyLength, string saying)
    {
        var form = keyLength > 0
            ? start + new string('k', keyLength) + "=1"
            : start + string.Join('&', Enumerable.Range(0, 1_100).Select(i => $"f{i}=1"));

        var (status, body) = await PostAsync(path, form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Contains(saying, body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_FormOverKestrelsLimit_Is413InvalidRequest()
    {
        // 31 MB in one value; Kestrel reads at most 30,000,000 bytes of a request.
        var (status, body) = await PostAsync("/oauth2/token", "grant_type=password&password=" + new string('p', 31_000_000));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Post_FormWithinTheLimits_ReachesOpenIddict()
    {
        var (status, body) = await PostAsync("/oauth2/token", "grant_type=password&username=nobody%40example.com&password=wrong");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string form)
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(form));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.RestAddress, path)) { Content = content };
        // As curl sends a big body: the server may answer before the body is sent, which is then never sent.
        request.Headers.ExpectContinue = true;

        using var response = await http.SendAsync(request);

        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
