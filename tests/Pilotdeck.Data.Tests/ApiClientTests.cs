using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
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
        var application = await scope.Db().Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().SingleAsync(a => a.ClientId == issued.Client.ClientId);
        // OpenIddict keeps only a salted PBKDF2 hash of the secret.
        Assert.False(string.IsNullOrEmpty(application.ClientSecret));
        Assert.DoesNotContain(issued.Secret, application.ClientSecret);
        Assert.Equal(["cohorts.read", "cohorts.write"], stored.ScopeList);
        Assert.Equal("alpha", stored.TenantId);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Authenticate_RightAndWrongSecret_SucceedsOnlyWithRightOne(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var issued = await CreateClientAsync(database);

        await using var scope = database.UnboundScope();
        var ok = await AuthenticateAsync(scope, issued.Client.ClientId, issued.Secret);

        Assert.Equal(ClientAuthenticationStatus.Succeeded, ok.Status);
        Assert.Equal("alpha", ok.Client!.TenantId);
        Assert.Equal(ClientAuthenticationStatus.InvalidCredentials, (await AuthenticateAsync(scope, issued.Client.ClientId, issued.Secret + "x")).Status);
        Assert.Equal(ClientAuthenticationStatus.InvalidCredentials, (await AuthenticateAsync(scope, "pdc_unknown", issued.Secret)).Status);
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
        Assert.NotEqual(issued.Secret, rotated.Secret);
        Assert.Equal(ClientAuthenticationStatus.InvalidCredentials, (await AuthenticateAsync(unbound, issued.Client.ClientId, issued.Secret)).Status);
        Assert.Equal(ClientAuthenticationStatus.Succeeded, (await AuthenticateAsync(unbound, issued.Client.ClientId, rotated.Secret)).Status);
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
        Assert.Equal(ClientAuthenticationStatus.Revoked, (await AuthenticateAsync(unbound, issued.Client.ClientId, issued.Secret)).Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Authenticate_AfterLifetime_ReturnsExpired(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var issued = await CreateClientAsync(database, TimeSpan.FromDays(30));
        await using var scope = database.UnboundScope();

        database.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(ClientAuthenticationStatus.Succeeded, (await AuthenticateAsync(scope, issued.Client.ClientId, issued.Secret)).Status);
        database.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ClientAuthenticationStatus.Expired, (await AuthenticateAsync(scope, issued.Client.ClientId, issued.Secret)).Status);
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
        Assert.Equal(ClientAuthenticationStatus.Succeeded, (await AuthenticateAsync(unbound, issued.Client.ClientId, issued.Secret)).Status);
    }

    /// <summary>What the token endpoint does: OpenIddict checks the secret, then the record says whether the client may have a token.</summary>
    private static async Task<ClientAuthenticationResult> AuthenticateAsync(AsyncServiceScope scope, string clientId, string secret)
    {
        var applications = scope.Get<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(clientId);
        var status = await scope.Get<ApiClients>().CheckStatusAsync(clientId);
        if (status.Status == ClientAuthenticationStatus.Revoked)
        {
            // Revocation also deleted the application, so the secret is not even checked any more.
            Assert.Null(application);
            return status;
        }

        return application is not null && await applications.ValidateClientSecretAsync(application, secret)
            ? status
            : new ClientAuthenticationResult(ClientAuthenticationStatus.InvalidCredentials);
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
