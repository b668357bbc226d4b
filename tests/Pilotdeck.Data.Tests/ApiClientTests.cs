using System.Text;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Data.Tests;

public class ApiClientTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_NewClient_ReturnsSecretOnceAndStoresOnlyItsHash(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        await using var scope = database.TenantScope("alpha");

        var issued = await scope.Get<ApiClients>().CreateAsync("etl", ["cohorts.read", "cohorts.write"]);

        Assert.StartsWith("pds_", issued.Secret);
        Assert.True(issued.Secret.Length >= 40);
        var stored = await scope.Db().ApiClients.AsNoTracking().SingleAsync();
        Assert.Equal(32, stored.SecretHash.Length);
        Assert.NotEqual(Encoding.UTF8.GetBytes(issued.Secret), stored.SecretHash);
        Assert.Equal(["cohorts.read", "cohorts.write"], stored.ScopeList);
        Assert.Equal("alpha", stored.TenantId);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Authenticate_RightAndWrongSecret_SucceedsOnlyWithRightOne(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var issued = await CreateClientAsync(database);

        await using var scope = database.UnboundScope();
        var clients = scope.Get<ApiClients>();
        var ok = await clients.AuthenticateAsync(issued.Client.ClientId, issued.Secret);

        Assert.Equal(ClientAuthenticationStatus.Succeeded, ok.Status);
        Assert.Equal("alpha", ok.Client!.TenantId);
        Assert.Equal(ClientAuthenticationStatus.InvalidCredentials, (await clients.AuthenticateAsync(issued.Client.ClientId, issued.Secret + "x")).Status);
        Assert.Equal(ClientAuthenticationStatus.InvalidCredentials, (await clients.AuthenticateAsync("pdc_unknown", issued.Secret)).Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RotateSecret_ExistingClient_OldSecretStopsWorking(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var issued = await CreateClientAsync(database);

        IssuedClientSecret rotated;
        await using (var scope = database.TenantScope("alpha"))
        {
            rotated = (await scope.Get<ApiClients>().RotateSecretAsync(issued.Client.ClientId))!;
        }

        await using var unbound = database.UnboundScope();
        var clients = unbound.Get<ApiClients>();
        Assert.NotEqual(issued.Secret, rotated.Secret);
        Assert.Equal(ClientAuthenticationStatus.InvalidCredentials, (await clients.AuthenticateAsync(issued.Client.ClientId, issued.Secret)).Status);
        Assert.Equal(ClientAuthenticationStatus.Succeeded, (await clients.AuthenticateAsync(issued.Client.ClientId, rotated.Secret)).Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Revoke_ExistingClient_RejectsSecretAndFurtherRotation(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var issued = await CreateClientAsync(database);

        await using (var scope = database.TenantScope("alpha"))
        {
            var clients = scope.Get<ApiClients>();
            Assert.True(await clients.RevokeAsync(issued.Client.ClientId));
            Assert.Null(await clients.RotateSecretAsync(issued.Client.ClientId));
        }

        await using var unbound = database.UnboundScope();
        Assert.Equal(ClientAuthenticationStatus.Revoked, (await unbound.Get<ApiClients>().AuthenticateAsync(issued.Client.ClientId, issued.Secret)).Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Authenticate_AfterLifetime_ReturnsExpired(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var issued = await CreateClientAsync(database, TimeSpan.FromDays(30));
        await using var scope = database.UnboundScope();
        var clients = scope.Get<ApiClients>();

        database.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(ClientAuthenticationStatus.Succeeded, (await clients.AuthenticateAsync(issued.Client.ClientId, issued.Secret)).Status);
        database.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ClientAuthenticationStatus.Expired, (await clients.AuthenticateAsync(issued.Client.ClientId, issued.Secret)).Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RotateAndRevoke_OtherTenantsClient_FindNothing(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var issued = await CreateClientAsync(database);

        await using (var scope = database.TenantScope("beta"))
        {
            var clients = scope.Get<ApiClients>();
            Assert.Null(await clients.RotateSecretAsync(issued.Client.ClientId));
            Assert.False(await clients.RevokeAsync(issued.Client.ClientId));
        }

        await using var unbound = database.UnboundScope();
        Assert.Equal(ClientAuthenticationStatus.Succeeded, (await unbound.Get<ApiClients>().AuthenticateAsync(issued.Client.ClientId, issued.Secret)).Status);
    }

    private static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await database.AddTenantsAsync("alpha", "beta");
        return database;
    }

    private static async Task<IssuedClientSecret> CreateClientAsync(TestDatabase database, TimeSpan? lifetime = null)
    {
        await using var scope = database.TenantScope("alpha");
        return await scope.Get<ApiClients>().CreateAsync("etl", ["cohorts.read"], lifetime);
    }
}
