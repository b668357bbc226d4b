using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Tests;

public class RefreshTokenTests
{
    private const string Password = "correct horse battery";

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refresh_ValidToken_IssuesNewPairAndConsumesOldToken(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, pair) = await SignInAsync(database);

        var refreshed = await RefreshAsync(database, pair.RefreshToken);

        Assert.NotNull(refreshed);
        Assert.NotEqual(pair.RefreshToken, refreshed.RefreshToken);
        Assert.NotEqual(pair.Access.TokenId, refreshed.Access.TokenId);
        Assert.Equal(pair.RefreshExpiresAt, refreshed.RefreshExpiresAt);
        await using var scope = database.TenantScope("alpha");
        var stored = await scope.Db().RefreshTokens.AsNoTracking().ToListAsync();
        Assert.Equal(2, stored.Count);
        Assert.Single(stored, t => t.ConsumedAt is not null);
        Assert.All(stored, t => Assert.Equal(32, t.TokenHash.Length));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refresh_ReplayedToken_RevokesWholeFamily(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, pair) = await SignInAsync(database);
        var refreshed = await RefreshAsync(database, pair.RefreshToken);

        Assert.Null(await RefreshAsync(database, pair.RefreshToken));
        Assert.Null(await RefreshAsync(database, refreshed!.RefreshToken));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refresh_AfterChainLifetime_Rejected(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, pair) = await SignInAsync(database);

        database.Time.Advance(TimeSpan.FromDays(14));

        Assert.Null(await RefreshAsync(database, pair.RefreshToken));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refresh_UserDisabledAfterSignIn_RejectedAndFamilyRevoked(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (user, pair) = await SignInAsync(database);
        await using (var scope = database.UnboundScope())
        {
            var db = scope.Db();
            (await db.Users.SingleAsync(u => u.Id == user.Id)).Disabled = true;
            await db.SaveChangesAsync();
        }

        Assert.Null(await RefreshAsync(database, pair.RefreshToken));
        await using var check = database.TenantScope("alpha");
        Assert.All(await check.Db().RefreshTokens.ToListAsync(), t => Assert.NotNull(t.RevokedAt));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refresh_RoleChangedAfterSignIn_NewAccessTokenCarriesNewRole(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (user, pair) = await SignInAsync(database, MemberRole.Viewer);
        await using (var scope = database.TenantScope("alpha"))
        {
            await scope.Get<UserAccounts>().SetMembershipAsync(user.Id, MemberRole.Admin);
        }

        var refreshed = await RefreshAsync(database, pair.RefreshToken);

        await using var validate = database.UnboundScope();
        var result = await validate.Get<TokenService>().ValidateAsync(refreshed!.Access.Token);
        Assert.Equal("admin", result.ClaimsIdentity.FindFirst(PilotdeckClaims.Roles)?.Value);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refresh_InScopeBoundToOtherTenant_ThrowsTenantIsolation(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, pair) = await SignInAsync(database);
        await database.AddTenantsAsync("beta");

        await using var scope = database.TenantScope("beta");
        await Assert.ThrowsAsync<TenantIsolationException>(() => scope.Get<TokenService>().RefreshAsync(pair.RefreshToken));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Revoke_SignOut_EndsTheChain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, pair) = await SignInAsync(database);
        var refreshed = await RefreshAsync(database, pair.RefreshToken);

        // Unbound, as at the revocation endpoint; an earlier token of the chain ends it all.
        await using (var scope = database.UnboundScope())
        {
            Assert.True(await scope.Get<TokenService>().RevokeAsync(pair.RefreshToken));
        }

        Assert.Null(await RefreshAsync(database, refreshed!.RefreshToken));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Revoke_UnknownToken_ChangesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, pair) = await SignInAsync(database);

        await using (var scope = database.UnboundScope())
        {
            Assert.False(await scope.Get<TokenService>().RevokeAsync("pdr_not-a-token"));
        }

        Assert.NotNull(await RefreshAsync(database, pair.RefreshToken));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Revoke_FromAScopeOfAnotherTenant_Throws(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (_, pair) = await SignInAsync(database);
        await database.AddTenantsAsync("beta");

        await using (var scope = database.TenantScope("beta"))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => scope.Get<TokenService>().RevokeAsync(pair.RefreshToken));
        }

        Assert.NotNull(await RefreshAsync(database, pair.RefreshToken));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IssueForUser_NotAMemberOfTenant_Throws(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var (user, _) = await SignInAsync(database);
        await database.AddTenantsAsync("beta");

        await using var scope = database.UnboundScope();
        var error = await Assert.ThrowsAsync<IdentityValidationException>(() => scope.Get<TokenService>().IssueForUserAsync(user, "beta"));
        Assert.Equal(["not_a_member"], error.Errors);
    }

    /// <summary>Creates a user in tenant <c>alpha</c> and signs in as the portal would.</summary>
    internal static async Task<(User User, TokenPair Pair)> SignInAsync(TestDatabase database, MemberRole role = MemberRole.Facilitator)
    {
        await database.AddTenantsAsync("alpha");
        await using (var setup = database.TenantScope("alpha"))
        {
            var accounts = setup.Get<UserAccounts>();
            var created = await accounts.CreateAsync("grace@example.com", Password);
            await accounts.SetMembershipAsync(created.Id, role);
        }

        await using var scope = database.UnboundScope();
        var signIn = await scope.Get<UserAccounts>().PasswordSignInAsync("grace@example.com", Password);
        return (signIn.User!, await scope.Get<TokenService>().IssueForUserAsync(signIn.User!, "alpha"));
    }

    private static async Task<TokenPair?> RefreshAsync(TestDatabase database, string refreshToken)
    {
        await using var scope = database.UnboundScope();
        return await scope.Get<TokenService>().RefreshAsync(refreshToken);
    }
}
