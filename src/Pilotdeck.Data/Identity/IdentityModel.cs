using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

/// <summary>Tenants, accounts, memberships, API clients and the token signing keys.</summary>
internal sealed class IdentityModel :
    IEntityTypeConfiguration<Tenant>,
    IEntityTypeConfiguration<User>,
    IEntityTypeConfiguration<Membership>,
    IEntityTypeConfiguration<ApiClientRecord>,
    IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.ToTable("tenants");
        b.Property(t => t.Id).HasMaxLength(64);
        b.Property(t => t.Name).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.Property(u => u.Id).HasMaxLength(64);
        b.Property(u => u.Email).HasMaxLength(320);
        b.Property(u => u.NormalizedEmail).HasMaxLength(320);
        b.HasIndex(u => u.NormalizedEmail).IsUnique();
        // A store default so the column could be added to existing users (migration InstallationOperators).
        b.Property(u => u.InstallationOperator).HasDefaultValue(false);
    }

    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.ToTable("memberships");
        b.HasKey(m => new { m.TenantId, m.UserId });
        b.Property(m => m.UserId).HasMaxLength(64);
        b.Property(m => m.Role).HasMaxLength(32).HasConversion(r => r.ToClaimValue(), s => MemberRoles.Parse(s));
        b.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.UserId);
    }

    public void Configure(EntityTypeBuilder<ApiClientRecord> b)
    {
        b.ToTable("api_clients");
        b.HasKey(c => c.ClientId);
        b.Property(c => c.ClientId).HasMaxLength(64);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Scopes).HasMaxLength(2000);
        b.Ignore(c => c.ScopeList);
        b.HasIndex(c => c.TenantId);
    }

    public void Configure(EntityTypeBuilder<SigningKey> b)
    {
        b.ToTable("signing_keys");
        b.Property(k => k.Id).HasMaxLength(64);
        b.Property(k => k.Algorithm).HasMaxLength(16);
    }
}
