using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Data.Tests;

public class DemoSeederTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Seed_Twice_CreatesTenantAndAdminOnceWithWorkingPassword(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        var first = await DemoSeeder.SeedAsync(database.Services);
        var second = await DemoSeeder.SeedAsync(database.Services);

        Assert.NotNull(first.AdminPassword);
        Assert.Null(second.AdminPassword);
        await using var scope = database.TenantScope(DemoSeeder.TenantId);
        var db = scope.Db();
        Assert.Equal(1, await db.Tenants.CountAsync());
        Assert.Equal(1, await db.Users.CountAsync());
        var membership = await db.Memberships.SingleAsync();
        Assert.Equal(MemberRole.Admin, membership.Role);
        var signIn = await scope.Get<UserAccounts>().PasswordSignInAsync(first.AdminEmail, first.AdminPassword);
        Assert.Equal(SignInStatus.Succeeded, signIn.Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Seed_DemoAdmin_IsTheOnlyInstallationOperator(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var tenant = database.TenantScope(DemoSeeder.TenantId))
        {
            await tenant.Get<UserAccounts>().CreateAsync("plain@demo.test", "Correct-Horse-Battery-9");
        }

        await DemoSeeder.SeedAsync(database.Services);

        await using var scope = database.UnboundScope();
        var operators = await scope.Db().Users.Where(u => u.InstallationOperator).Select(u => u.Email).ToListAsync();
        Assert.Equal([DemoSeeder.AdminEmail], operators);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Seed_WithReset_ReplacesAdminPassword(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var first = await DemoSeeder.SeedAsync(database.Services);

        var reset = await DemoSeeder.SeedAsync(database.Services, resetAdminPassword: true);

        Assert.NotNull(reset.AdminPassword);
        Assert.NotEqual(first.AdminPassword, reset.AdminPassword);
        await using var scope = database.UnboundScope();
        var accounts = scope.Get<UserAccounts>();
        Assert.Equal(SignInStatus.InvalidCredentials, (await accounts.PasswordSignInAsync(DemoSeeder.AdminEmail, first.AdminPassword!)).Status);
        Assert.Equal(SignInStatus.Succeeded, (await accounts.PasswordSignInAsync(DemoSeeder.AdminEmail, reset.AdminPassword)).Status);
    }
}
