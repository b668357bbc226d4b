using System.Text.Json;
using Grpc.Core;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.System.V1;
using Pilotdeck.Data;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>A host logging at the default level into a log directory of its own.</summary>
public sealed class LoggedHostFixture : HostFixture
{
    public string LogDirectory { get; } = Directory.CreateTempSubdirectory("pilotdeck-request-log-").FullName;

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override IEnumerable<string> ExtraArgs => ["--Serilog:MinimumLevel=Information", $"--Pilotdeck:Logging:Directory={LogDirectory}"];
}

/// <summary>
/// The per-request line in the rolling JSON file (CLEF), as an operator reads it: method, path,
/// outcome (the grpc-status of a gRPC or Connect call), duration, tenant and actor; never the token.
/// </summary>
public sealed class RequestLogTests(LoggedHostFixture host) : IClassFixture<LoggedHostFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AuthenticatedCall_IsOneLine_WithOutcomeDurationTenantAndActor()
    {
        var token = await host.ClientTokenAsync(host.Demo);
        using var channel = host.CreateChannel();
        await new IdentityService.IdentityServiceClient(channel).ListMembersAsync(new ListMembersRequest(), HostFixture.Bearer(token));

        var line = await LineAsync("/pilotdeck.identity.v1.IdentityService/ListMembers");

        Assert.Equal("POST", line.GetProperty("RequestMethod").GetString());
        Assert.Equal("0", line.GetProperty("GrpcStatus").GetString());
        Assert.Equal("grpc-status 0", line.GetProperty("Outcome").GetString());
        Assert.True(line.GetProperty("Elapsed").GetDouble() > 0);
        Assert.Equal(host.Demo.TenantId, line.GetProperty("Tenant").GetString());
        Assert.Equal(host.Demo.ClientId, line.GetProperty("Actor").GetString());
        Assert.DoesNotContain(token, await ReadLogAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectedCall_ReportsItsGrpcStatus_NotHttp200()
    {
        using var channel = host.CreateChannel();
        var call = new IdentityService.IdentityServiceClient(channel).GetMemberAsync(new GetMemberRequest { UserId = "nobody" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);

        var line = await LineAsync("/pilotdeck.identity.v1.IdentityService/GetMember");

        Assert.Equal("16", line.GetProperty("GrpcStatus").GetString());
        Assert.Equal("grpc-status 16", line.GetProperty("Outcome").GetString());
        Assert.False(line.TryGetProperty("Tenant", out _));
    }

    [Fact]
    public async Task ConnectCall_ReportsItsGrpcStatus_ThoughConnectSendsItInTheBody()
    {
        // A streaming Connect call refused for its missing token: HTTP 200, the status in the body.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Address, "/pilotdeck.imports.v1.ImportsService/WatchImport"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/connect+proto");
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        var line = await LineAsync("/pilotdeck.imports.v1.ImportsService/WatchImport");

        Assert.Equal("16", line.GetProperty("GrpcStatus").GetString());
        Assert.Equal("grpc-status 16", line.GetProperty("Outcome").GetString());
    }

    [Fact]
    public async Task AnotherHostStartedLater_DoesNotTakeThisHostsLines()
    {
        // Serilog's static logger is whichever host set it last; the request lines must not follow it.
        await using var other = await PilotdeckTestHost.StartAsync();
        using var channel = host.CreateChannel();
        await new SystemService.SystemServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest());

        var line = await LineAsync("/pilotdeck.system.v1.SystemService/GetServerInfo");

        Assert.Equal("grpc-status 0", line.GetProperty("Outcome").GetString());
    }

    // The writer hands lines to the file within a batch's gathering time and the file reaches the
    // disk within a second, so a line may take a moment to appear.
    private async Task<JsonElement> LineAsync(string path)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            // Only whole lines: the file is written in blocks, and the last line may still be cut.
            var log = await ReadLogAsync();
            var lines = log[..(log.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(text => JsonDocument.Parse(text).RootElement)
                .Where(e => e.TryGetProperty("SourceContext", out var source) && source.GetString() == "Serilog.AspNetCore.RequestLoggingMiddleware")
                .Where(e => e.GetProperty("RequestPath").GetString() == path)
                .ToList();
            if (lines.Count > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(lines);
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> ReadLogAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.GetFiles(host.LogDirectory, "pilotdeck-*.json"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            text.Append(await reader.ReadToEndAsync());
        }

        return text.ToString();
    }
}
