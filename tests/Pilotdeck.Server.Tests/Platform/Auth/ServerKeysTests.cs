using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Data;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Platform.Auth;

/// <summary>
/// Signing-key rotation on the running host: a key past its rotation age gets a successor that is
/// published before it signs, tokens signed by the old key keep working, and a key whose successor
/// has signed longer than any token lives is retired from the JWKS.
/// </summary>
public sealed class ServerKeysTests(SqliteHostFixture host) : IClassFixture<SqliteHostFixture>
{
    [Fact]
    public async Task Rotate_KeyPastItsAge_PublishesSuccessorAhead_OldTokensStillWork_ThenRetiresIt()
    {
        var before = await host.ClientTokenAsync(host.Demo);
        var signer = new JsonWebToken(before).Kid;
        await SetCreatedAtAsync(signer, DateTimeOffset.UtcNow.AddDays(-100));

        var rotated = await host.Services.GetRequiredService<ServerKeys>().RotateAsync(CancellationToken.None);

        Assert.StartsWith("1 signing key(s) added", rotated);
        var published = await PublishedKeyIdsAsync();
        Assert.Contains(signer, published);
        Assert.Equal(2, published.Count);
        // The successor takes over only after PublishAhead: new tokens are still signed by the old key.
        Assert.Equal(signer, new JsonWebToken(await host.ClientTokenAsync(host.Demo)).Kid);
        var client = new IdentityService.IdentityServiceClient(host.CreateChannel());
        await client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), HostFixture.Bearer(before));

        // Once the successor has signed for longer than the longest token lifetime, the old key goes.
        var successor = published.Single(k => k != signer);
        await SetCreatedAtAsync(successor, DateTimeOffset.UtcNow.AddDays(-15));
        var retired = await host.Services.GetRequiredService<ServerKeys>().RotateAsync(CancellationToken.None);

        Assert.EndsWith("1 retired", retired);
        Assert.Equal([successor], await PublishedKeyIdsAsync());
        var renewed = await host.ClientTokenAsync(host.Demo);
        Assert.Equal(successor, new JsonWebToken(renewed).Kid);
        await client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), HostFixture.Bearer(renewed));
    }

    private async Task<List<string>> PublishedKeyIdsAsync() =>
        [.. (await host.GetJsonAsync("/.well-known/jwks.json")).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];

    private async Task SetCreatedAtAsync(string keyId, DateTimeOffset createdAt)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().SigningKeys
            .Where(k => k.Id == keyId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, createdAt));
    }
}
