using Pilotdeck.TestSupport;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.System.V1;

namespace Pilotdeck.Client.Tests;

/// <summary>AddPilotdeckClient: the generated clients from DI, with the SDK's tokens and retries.</summary>
public sealed class ClientFactoryTests(TestHostFixture fixture) : IClassFixture<TestHostFixture>
{
    [Fact]
    public async Task AddPilotdeckClient_InjectedClients_AuthenticateAsTheApiClient()
    {
        var services = new ServiceCollection();
        services.AddPilotdeckClient(o =>
        {
            o.ServerUrl = fixture.Host.Address;
            o.Credentials = PilotdeckCredentials.ClientCredentials(fixture.Host.ClientId, fixture.Host.ClientSecret);
        });
        await using var provider = services.BuildServiceProvider();

        var caller = await provider.GetRequiredService<IdentityService.IdentityServiceClient>().GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var again = await provider.GetRequiredService<IdentityService.IdentityServiceClient>().GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var info = await provider.GetRequiredService<SystemService.SystemServiceClient>().GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Equal(fixture.Host.ClientId, caller.Subject);
        Assert.Equal(fixture.Host.TenantId, caller.TenantId);
        Assert.Equal(caller.Subject, again.Subject);
        Assert.NotEmpty(info.Services);
    }

    [Fact]
    public async Task AddPilotdeckClient_IdempotentCallUnavailableOnce_IsRetriedWithTheToken()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((attempt, http) =>
            attempt == 1 ? ScriptedGrpcServer.Unavailable(http) : ScriptedGrpcServer.Respond(http, new GetServerInfoResponse { Version = "scripted" }));
        var services = new ServiceCollection();
        services.AddPilotdeckClient(o =>
        {
            o.ServerUrl = server.Address;
            o.Credentials = PilotdeckCredentials.Tokens("test-token", accessTokenExpiresAt: DateTimeOffset.UtcNow.AddHours(1));
            o.InitialBackoff = TimeSpan.FromMilliseconds(20);
        });
        await using var provider = services.BuildServiceProvider();

        var info = await provider.GetRequiredService<SystemService.SystemServiceClient>().GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Equal("scripted", info.Version);
        Assert.Equal(2, server.Attempts);
        Assert.All(server.Requests, headers => Assert.Equal("Bearer test-token", headers.Authorization.ToString()));
    }

    [Fact]
    public async Task AddPilotdeckClient_WithoutCredentials_CallsAnonymously()
    {
        var services = new ServiceCollection();
        services.AddPilotdeckClient(o => o.ServerUrl = fixture.Host.Address);
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await provider.GetRequiredService<IdentityService.IdentityServiceClient>().GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("TOKEN_MISSING", PilotdeckErrors.ReasonOf(error));
    }
}
