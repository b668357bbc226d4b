using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

/// <param name="AdminPassword">The generated password; <c>null</c> when the admin already existed and was not reset.</param>
public sealed record DemoSeedResult(string TenantId, string AdminEmail, string? AdminPassword);

/// <summary>Creates the demo tenant and its admin so that a fresh install can be signed in to.</summary>
public static class DemoSeeder
{
    public const string TenantId = "demo";
    public const string AdminEmail = "admin@demo.pilotdeck.test";

    /// <summary>
    /// Idempotent: existing rows are kept. Passwords are stored hashed, so a second run cannot show
    /// the first run's password; pass <paramref name="resetAdminPassword"/> to get a fresh one.
    /// </summary>
    public static async Task<DemoSeedResult> SeedAsync(IServiceProvider services, bool resetAdminPassword = false, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateTenantScope(TenantId);
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<PilotdeckDbContext>();
        var accounts = provider.GetRequiredService<UserAccounts>();
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();

        if (!await db.Tenants.AnyAsync(t => t.Id == TenantId, cancellationToken))
        {
            db.Tenants.Add(new Tenant { Id = TenantId, Name = "Demo pilot", CreatedAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }

        string? password = null;
        var admin = await accounts.FindByEmailAsync(AdminEmail, cancellationToken);
        if (admin is null)
        {
            password = Secrets.New("");
            admin = await accounts.CreateAsync(AdminEmail, password, cancellationToken);
        }
        else if (resetAdminPassword)
        {
            password = Secrets.New("");
            await accounts.SetPasswordAsync(admin, password, cancellationToken);
        }

        await accounts.SetMembershipAsync(admin.Id, MemberRole.Admin, cancellationToken);
        if (!admin.InstallationOperator)
        {
            // The demo admin runs the demo installation too, so a fresh install can reach /jobs.
            await db.Users.Where(u => u.Id == admin.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.InstallationOperator, true), cancellationToken);
        }

        return new DemoSeedResult(TenantId, AdminEmail, password);
    }
}
