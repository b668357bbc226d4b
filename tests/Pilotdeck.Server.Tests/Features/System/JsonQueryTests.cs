using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.System;

/// <summary>
/// A JSON route's query parameter that the transcoder would drop (a misspelt filter, a field the
/// path or the body sets) or refuse without naming it (a value the field cannot take) gets
/// QUERY_PARAMETER_INVALID naming each such parameter and what its field takes; parameters the
/// transcoder binds reach the handler.
/// </summary>
public sealed class JsonQueryTests(SqliteHostFixture host) : IClassFixture<SqliteHostFixture>
{
    [Theory]
    [InlineData("/v1/participants?status=PARTICIPANT_STATUS_INVITED", "status", "status", "ListParticipantsRequest has no field \"status\"; did you mean \"statuses\"?")]
    [InlineData("/v1/participants?statuses=INVITED", "statuses", "statuses", "statuses expects one of PARTICIPANT_STATUS_UNSPECIFIED, PARTICIPANT_STATUS_INVITED, PARTICIPANT_STATUS_SCHEDULED, PARTICIPANT_STATUS_ACTIVE, PARTICIPANT_STATUS_COMPLETED, PARTICIPANT_STATUS_DROPPED (or its number), not \"INVITED\"")]
    [InlineData("/v1/members?pageSize=ten", "pageSize", "page_size", "page_size expects a whole number (int32), not \"ten\"")]
    [InlineData("/v1/members?page_size=10&page_size=20", "page_size", "page_size", "page_size takes one value, and 2 were sent")]
    [InlineData("/v1/members?page_size.x=1", "page_size.x", "page_size", "page_size has no fields; \"page_size.x\" goes past it")]
    [InlineData("/v1/cohorts/fall-2026?slug=spring-2027", "slug", "slug", "this route takes it from its path")]
    public async Task Get_ParameterTheTranscoderWouldDropOrNotRead_NamesItAndWhatItsFieldTakes(string pathAndQuery, string parameter, string field, string problem)
    {
        var (status, json) = await SendAsync(HttpMethod.Get, pathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var info = JsonApiTests.ErrorInfoOf(json);
        Assert.Equal("QUERY_PARAMETER_INVALID", info.GetProperty("reason").GetString());
        Assert.Equal(parameter, info.GetProperty("metadata").GetProperty("parameter").GetString());
        var violation = Assert.Single(JsonApiTests.FieldViolationsOf(json));
        Assert.Equal((field, problem), (violation.GetProperty("field").GetString(), violation.GetProperty("description").GetString()));
        Assert.StartsWith($"The query parameter \"{parameter}\" does not fit ", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SeveralParametersAmiss_AreAllNamedInOneAnswer()
    {
        var (status, json) = await SendAsync(HttpMethod.Get, "/v1/participants?cohort=fall-2026&status=PARTICIPANT_STATUS_INVITED&pageSize=ten&serach=wei");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["status", "page_size", "serach"], JsonApiTests.FieldViolationsOf(json).Select(v => v.GetProperty("field").GetString()));
        Assert.Equal("status", JsonApiTests.ErrorInfoOf(json).GetProperty("metadata").GetProperty("parameter").GetString());
        Assert.EndsWith(" 2 more parameters are in the field violations.", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ParameterOnARouteThatReadsItsWholeBody_IsSentToTheBody()
    {
        // POST /v1/members reads every field from the body: the transcoder would ignore ?role=.
        var (status, json) = await SendAsync(HttpMethod.Post, "/v1/members?role=TENANT_ROLE_ADMIN", """{"email":"x@example.com"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var violation = Assert.Single(JsonApiTests.FieldViolationsOf(json));
        Assert.Equal(("role", "this route reads every field from its JSON body; send it there"), (violation.GetProperty("field").GetString(), violation.GetProperty("description").GetString()));
    }

    [Theory]
    [InlineData("/v1/members?pageSize=2&role=TENANT_ROLE_OWNER")]
    [InlineData("/v1/members?page_size=%202&role=5")]
    [InlineData("/v1/members?")]
    public async Task Get_ParametersTheTranscoderBinds_ReachTheHandler(string pathAndQuery)
    {
        var (status, json) = await SendAsync(HttpMethod.Get, pathAndQuery);

        Assert.True(status == HttpStatusCode.OK, json.RootElement.ToString());
        Assert.True(json.RootElement.GetProperty("members").GetArrayLength() >= 1);
    }

    private async Task<(HttpStatusCode Status, JsonDocument Json)> SendAsync(HttpMethod method, string pathAndQuery, string? body = null)
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(method, new Uri(host.RestAddress, pathAndQuery));
        if (body is not null)
        {
            request.Content = new StringContent(body, MediaTypeHeaderValue.Parse("application/json"));
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ClientTokenAsync(host.Demo));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }
}
