using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Server.Hosting;

namespace Pilotdeck.Server.Tests.Hosting;

/// <summary>One binary, three shapes: API and portal together (the default), the API alone, the portal alone against a remote API.</summary>
public sealed class HostRolesTests(SqliteHostFixture api) : IClassFixture<SqliteHostFixture>
{
    [Fact]
    public async Task PortalOnly_AgainstRemoteApi_ServesSignInAndNoGrpcEndpoint()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-portal-only-" + Guid.NewGuid().ToString("N"));
        await using var portal = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=",
            "--Pilotdeck:PortalUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=http://127.0.0.1:0",
            $"--Pilotdeck:ApiUrl={api.Address}",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
        ]);
        await portal.StartAsync();
        var addresses = portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var signIn = await http.GetAsync(new Uri(new Uri(addresses.Single()), "/signin"));

        Assert.Single(addresses);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "pilotdeck.db")), "a portal-only host must not create a database");
    }

    [Fact]
    public async Task ApiOnly_ServesGrpcAndHttpJsonEndpoints()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-api-only-" + Guid.NewGuid().ToString("N"));
        await using var host = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=http://127.0.0.1:0",
            "--Pilotdeck:PortalUrl=",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
        ]);
        await host.StartAsync();

        Assert.Equal(2, host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Count);
    }
}
