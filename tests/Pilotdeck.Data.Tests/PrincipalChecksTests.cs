using Pilotdeck.Data.Identity;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// The per-call principal checks are SQL written outside EF's query filter, so these tests hold
/// them to what the filter would give: the bound tenant's rows only, nothing when unbound.
/// </summary>
public class PrincipalChecksTests
{
    private const string Email = "grace@example.com";
    private const string Password = "correct horse battery";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IsClientActive_OwnTenantOnly(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var clientId = await CreateClientAsync(database, lifetime: null);

        Assert.True(await IsClientActiveAsync(database, "alpha", clientId));
        Assert.False(await IsClientActiveAsync(database, "beta", clientId));
        Assert.False(await IsClientActiveAsync(database, tenant: null, clientId));
        Assert.False(await IsClientActiveAsync(database, "alpha", "pdc_unknown"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IsClientActive_Revoked_IsFalse(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var clientId = await CreateClientAsync(database, lifetime: null);
        await using (var scope = database.TenantScope("alpha"))
        {
            Assert.True(await scope.Get<ApiClients>().RevokeAsync(clientId));
        }

        Assert.False(await IsClientActiveAsync(database, "alpha", clientId));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IsClientActive_UntilTheExpiryInstant(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var clientId = await CreateClientAsync(database, TimeSpan.FromDays(30));

        database.Time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMilliseconds(1));
        Assert.True(await IsClientActiveAsync(database, "alpha", clientId));
        database.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await IsClientActiveAsync(database, "alpha", clientId));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConcurrentChecks_EachGetTheirOwnAnswer(DatabaseProvider provider)
    {
        // On PostgreSQL these share batches (RowLookups); an answer handed to the wrong caller
        // would let a revoked client or another tenant's member through.
        await using var database = await CreateAsync(provider);
        var active = await CreateClientAsync(database, lifetime: null);
        var revoked = await CreateClientAsync(database, lifetime: null);
        await using (var scope = database.TenantScope("alpha"))
        {
            Assert.True(await scope.Get<ApiClients>().RevokeAsync(revoked));
        }

        var userId = await CreateUserAsync(database);
        await AddMemberAsync(database, "alpha", userId, MemberRole.Facilitator);
        await AddMemberAsync(database, "beta", userId, MemberRole.Viewer);

        var checks = Enumerable.Range(0, 400).Select(async i =>
        {
            var tenant = i % 2 == 0 ? "alpha" : "beta";
            switch (i % 3)
            {
                case 0:
                    Assert.Equal(tenant == "alpha", await IsClientActiveAsync(database, tenant, active));
                    break;
                case 1:
                    Assert.False(await IsClientActiveAsync(database, tenant, revoked));
                    break;
                default:
                    var expected = tenant == "alpha" ? MemberRole.Facilitator : MemberRole.Viewer;
                    Assert.Equal(new UserAccessState(expected, Disabled: false), await GetUserAccessStateAsync(database, tenant, userId));
                    break;
            }
        });
        await Task.WhenAll(checks);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task GetUserAccessState_ReadsTheRoleOfTheBoundTenant(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        await database.AddTenantsAsync("gamma");
        var userId = await CreateUserAsync(database);
        await AddMemberAsync(database, "alpha", userId, MemberRole.Analyst);
        await AddMemberAsync(database, "beta", userId, MemberRole.Owner);

        Assert.Equal(new UserAccessState(MemberRole.Analyst, Disabled: false), await GetUserAccessStateAsync(database, "alpha", userId));
        Assert.Equal(new UserAccessState(MemberRole.Owner, Disabled: false), await GetUserAccessStateAsync(database, "beta", userId));
        Assert.Null(await GetUserAccessStateAsync(database, "gamma", userId));
        Assert.Null(await GetUserAccessStateAsync(database, tenant: null, userId));
        Assert.Null(await GetUserAccessStateAsync(database, "alpha", "usr_unknown"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task GetUserAccessState_DisabledAccount_SaysSo(DatabaseProvider provider)
    {
        await using var database = await CreateAsync(provider);
        var userId = await CreateUserAsync(database);
        await AddMemberAsync(database, "alpha", userId, MemberRole.Viewer);
        await using (var scope = database.UnboundScope())
        {
            var user = (await scope.Get<UserAccounts>().FindByEmailAsync(Email))!;
            user.Disabled = true;
            await scope.Db().SaveChangesAsync();
        }

        Assert.Equal(new UserAccessState(MemberRole.Viewer, Disabled: true), await GetUserAccessStateAsync(database, "alpha", userId));
    }

    private static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await database.AddTenantsAsync("alpha", "beta");
        return database;
    }

    private static async Task<string> CreateClientAsync(TestDatabase database, TimeSpan? lifetime)
    {
        await using var scope = database.TenantScope("alpha");
        return (await scope.Get<ApiClients>().CreateAsync("etl", ["cohorts.read"], lifetime)).Client.ClientId;
    }

    private static async Task<string> CreateUserAsync(TestDatabase database)
    {
        await using var scope = database.UnboundScope();
        return (await scope.Get<UserAccounts>().CreateAsync(Email, Password)).Id;
    }

    private static async Task AddMemberAsync(TestDatabase database, string tenant, string userId, MemberRole role)
    {
        await using var scope = database.TenantScope(tenant);
        await scope.Get<UserAccounts>().SetMembershipAsync(userId, role);
    }

    private static async Task<bool> IsClientActiveAsync(TestDatabase database, string? tenant, string clientId)
    {
        await using var scope = tenant is null ? database.UnboundScope() : database.TenantScope(tenant);
        return await scope.Get<PrincipalChecks>().IsClientActiveAsync(clientId);
    }

    private static async Task<UserAccessState?> GetUserAccessStateAsync(TestDatabase database, string? tenant, string userId)
    {
        await using var scope = tenant is null ? database.UnboundScope() : database.TenantScope(tenant);
        return await scope.Get<PrincipalChecks>().GetUserAccessStateAsync(userId);
    }
}
