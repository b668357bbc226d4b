using Microsoft.AspNetCore.Identity;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Data.Tests;

public class UserAccountTests
{
    private const string Email = "Ada@Example.com";
    private const string Password = "correct horse battery";

    [Fact]
    public void PasswordRules_WeakPasswords_ReportEachBrokenRule()
    {
        var options = new AccountOptions();

        Assert.Equal(["password_too_short"], PasswordRules.Validate("Sh0rt!", "x@example.com", options));
        Assert.Equal(["password_too_repetitive"], PasswordRules.Validate("abababababababab", "x@example.com", options));
        Assert.Equal(["password_contains_email"], PasswordRules.Validate("my name is ada, hi", Email, options));
        Assert.Equal(["password_too_long"], PasswordRules.Validate(new string('x', 250) + "abcdefg", "x@example.com", options));
        Assert.Empty(PasswordRules.Validate(Password, Email, options));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_WeakPassword_ThrowsWithRuleCodes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();

        var error = await Assert.ThrowsAsync<IdentityValidationException>(() => scope.Get<UserAccounts>().CreateAsync(Email, "short"));
        Assert.Contains("password_too_short", error.Errors);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_ValidUser_StoresIdentityV3HashNotPassword(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();

        var user = await scope.Get<UserAccounts>().CreateAsync(Email, Password);

        Assert.Equal("ADA@EXAMPLE.COM", user.NormalizedEmail);
        Assert.DoesNotContain(Password, user.PasswordHash);
        Assert.Equal(0x01, Convert.FromBase64String(user.PasswordHash)[0]);
        Assert.Equal(PasswordVerificationResult.Success, scope.Get<IPasswordHasher<User>>().VerifyHashedPassword(user, user.PasswordHash, Password));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Create_SameEmailOtherCase_ThrowsEmailTaken(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();
        var accounts = scope.Get<UserAccounts>();
        await accounts.CreateAsync(Email, Password);

        var error = await Assert.ThrowsAsync<IdentityValidationException>(() => accounts.CreateAsync(" ada@EXAMPLE.com", Password));
        Assert.Equal(["email_taken"], error.Errors);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PasswordSignIn_CorrectPasswordAnyEmailCase_Succeeds(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();
        var accounts = scope.Get<UserAccounts>();
        var user = await accounts.CreateAsync(Email, Password);

        var result = await accounts.PasswordSignInAsync("ADA@example.COM", Password);

        Assert.Equal(SignInStatus.Succeeded, result.Status);
        Assert.Equal(user.Id, result.User!.Id);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PasswordSignIn_UnknownEmailOrWrongPassword_ReturnsInvalidCredentials(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();
        var accounts = scope.Get<UserAccounts>();
        await accounts.CreateAsync(Email, Password);

        Assert.Equal(SignInStatus.InvalidCredentials, (await accounts.PasswordSignInAsync("nobody@example.com", Password)).Status);
        Assert.Equal(SignInStatus.InvalidCredentials, (await accounts.PasswordSignInAsync(Email, Password + "!")).Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PasswordSignIn_FiveFailures_LocksOutUntilLockoutEnds(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();
        var accounts = scope.Get<UserAccounts>();
        await accounts.CreateAsync(Email, Password);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(SignInStatus.InvalidCredentials, (await accounts.PasswordSignInAsync(Email, "wrong password " + i)).Status);
        }
        Assert.Equal(SignInStatus.LockedOut, (await accounts.PasswordSignInAsync(Email, "wrong password 5")).Status);
        Assert.Equal(SignInStatus.LockedOut, (await accounts.PasswordSignInAsync(Email, Password)).Status);

        database.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(SignInStatus.Succeeded, (await accounts.PasswordSignInAsync(Email, Password)).Status);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PasswordSignIn_SuccessBetweenFailures_ResetsFailureCount(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();
        var accounts = scope.Get<UserAccounts>();
        await accounts.CreateAsync(Email, Password);

        for (var i = 0; i < 4; i++)
        {
            await accounts.PasswordSignInAsync(Email, "wrong password " + i);
        }
        await accounts.PasswordSignInAsync(Email, Password);
        var afterReset = await accounts.PasswordSignInAsync(Email, "wrong password again");

        Assert.Equal(SignInStatus.InvalidCredentials, afterReset.Status);
        Assert.Equal(1, (await accounts.FindByEmailAsync(Email))!.AccessFailedCount);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PasswordSignIn_DisabledUser_ReportsDisabledOnlyWithCorrectPassword(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scope = database.UnboundScope();
        var accounts = scope.Get<UserAccounts>();
        var user = await accounts.CreateAsync(Email, Password);
        user.Disabled = true;
        await scope.Db().SaveChangesAsync();

        Assert.Equal(SignInStatus.InvalidCredentials, (await accounts.PasswordSignInAsync(Email, "not the password")).Status);
        var result = await accounts.PasswordSignInAsync(Email, Password);
        Assert.Equal(SignInStatus.Disabled, result.Status);
        Assert.Null(result.User);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ListMemberships_UserInTwoTenants_ListsBothWithoutBoundTenant(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await database.AddTenantsAsync("alpha", "beta");
        string userId;
        await using (var scope = database.UnboundScope())
        {
            userId = (await scope.Get<UserAccounts>().CreateAsync(Email, Password)).Id;
        }
        foreach (var (tenant, role) in new[] { ("alpha", MemberRole.Analyst), ("beta", MemberRole.Facilitator) })
        {
            await using var scope = database.TenantScope(tenant);
            await scope.Get<UserAccounts>().SetMembershipAsync(userId, role);
        }

        await using var unbound = database.UnboundScope();
        var memberships = await unbound.Get<UserAccounts>().ListMembershipsAsync(userId);

        Assert.Equal([("alpha", MemberRole.Analyst), ("beta", MemberRole.Facilitator)], memberships.Select(m => (m.TenantId, m.Role)));
    }
}
