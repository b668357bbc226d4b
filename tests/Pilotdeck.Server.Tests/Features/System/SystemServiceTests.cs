using System.Security.Cryptography;
using System.Text.Json;
using Pilotdeck.Contracts.System.V1;
using Grpc.Health.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.System;

public sealed class SystemServiceTests : IClassFixture<SqliteHostFixture>
{
    private readonly SqliteHostFixture _host;

    public SystemServiceTests(SqliteHostFixture host) => _host = host;

    [Fact]
    public async Task GetServerInfo_OverOurClient_ReportsVersionAndContractDigests()
    {
        var client = new SystemService.SystemServiceClient(_host.CreateChannel());

        var info = await client.GetServerInfoAsync(new GetServerInfoRequest(), HostFixture.Bearer(await _host.ClientTokenAsync(_host.Demo)));

        Assert.Equal("0.1.0", info.Version);
        Assert.Contains(info.Services, s => s.ServiceName == "pilotdeck.identity.v1.IdentityService");
        var system = info.Services.Single(s => s.ServiceName == SystemService.Descriptor.FullName);
        Assert.Equal("pilotdeck/system/v1/system.proto", system.ProtoFile);
        var expected = Convert.ToHexStringLower(SHA256.HashData(SystemReflection.Descriptor.SerializedData.Span));
        Assert.Equal(expected, system.FileDescriptorSha256);
        Assert.Contains(info.Services, s => s.ServiceName == "grpc.health.v1.Health");
        Assert.Equal(info.Services.Select(s => s.ServiceName).Order(StringComparer.Ordinal), info.Services.Select(s => s.ServiceName));
    }

    [Fact]
    public async Task GetServerInfo_WithoutToken_IsAnswered()
    {
        // The one anonymous Pilotdeck method: parity checks compare builds across environments without credentials.
        var info = await new SystemService.SystemServiceClient(_host.CreateChannel()).GetServerInfoAsync(new GetServerInfoRequest());
        Assert.Equal("0.1.0", info.Version);
    }

    [Theory]
    [InlineData("grpc-v1")]
    [InlineData("grpc-v1alpha")]
    public async Task BufCurl_ListMethodsThroughReflection_ListsEveryMethod(string reflectProtocol)
    {
        var (exit, stdout, stderr) = await RepoProcess.RunAsync(RepoProcess.Buf,
            ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--reflect-protocol", reflectProtocol, "--list-methods", _host.Address.ToString().TrimEnd('/')],
            TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr);
        var methods = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("pilotdeck.system.v1.SystemService/GetServerInfo", methods);
        Assert.Contains("grpc.health.v1.Health/Check", methods);
        Assert.Contains("grpc.health.v1.Health/Watch", methods);
        Assert.Contains("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", methods);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", methods);
    }

    [Theory]
    [InlineData("grpc-v1")]
    [InlineData("grpc-v1alpha")]
    public async Task BufCurl_InvokeGetServerInfoThroughReflection_ReturnsJson(string reflectProtocol)
    {
        var (exit, stdout, stderr) = await RepoProcess.RunAsync(RepoProcess.Buf,
            ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--reflect-protocol", reflectProtocol, "-d", "{}",
                "-H", "authorization: Bearer " + await _host.ClientTokenAsync(_host.Demo),
                _host.Address + "pilotdeck.system.v1.SystemService/GetServerInfo"],
            TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("0.1.0", json.RootElement.GetProperty("version").GetString());
        Assert.Contains(json.RootElement.GetProperty("services").EnumerateArray(),
            s => s.GetProperty("serviceName").GetString() == "pilotdeck.system.v1.SystemService");
    }

    [Fact]
    public async Task BufCurl_HealthCheck_ReportsServing()
    {
        var (exit, stdout, stderr) = await RepoProcess.RunAsync(RepoProcess.Buf,
            ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "-d", """{"service":"pilotdeck.system.v1.SystemService"}""",
                _host.Address + "grpc.health.v1.Health/Check"],
            TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr);
        Assert.Equal("SERVING", JsonDocument.Parse(stdout).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task BufCurl_HealthCheckUnknownService_IsNotFound()
    {
        var (exit, _, stderr) = await RepoProcess.RunAsync(RepoProcess.Buf,
            ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "-d", """{"service":"no.such.Service"}""",
                _host.Address + "grpc.health.v1.Health/Check"],
            TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        Assert.Contains("not_found", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HealthWatch_SchemaFallsBehindAndCatchesUp_StreamsEachChange()
    {
        var client = new Health.HealthClient(_host.CreateChannel());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = client.Watch(new HealthCheckRequest { Service = SystemService.Descriptor.FullName }, cancellationToken: cts.Token);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await NextKnownStatusAsync(watch.ResponseStream, cts.Token));

        // A migration the binary knows but the database lacks is what a half-finished upgrade looks like.
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var last = (await db.Database.GetAppliedMigrationsAsync(cts.Token)).Last();
        var history = db.GetService<IHistoryRepository>();
        await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(last), cts.Token);
        try
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await NextKnownStatusAsync(watch.ResponseStream, cts.Token));
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(last, ProductInfo.GetVersion())), CancellationToken.None);
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await NextKnownStatusAsync(watch.ResponseStream, cts.Token));
    }

    // Watch answers SERVICE_UNKNOWN until the first health report is published.
    private static async Task<HealthCheckResponse.Types.ServingStatus> NextKnownStatusAsync(IAsyncStreamReader<HealthCheckResponse> stream, CancellationToken cancellationToken)
    {
        while (await stream.MoveNext(cancellationToken))
        {
            if (stream.Current.Status != HealthCheckResponse.Types.ServingStatus.ServiceUnknown)
            {
                return stream.Current.Status;
            }
        }

        throw new InvalidOperationException("The watch ended.");
    }
}
