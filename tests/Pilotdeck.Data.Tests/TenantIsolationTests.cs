using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Idempotency;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Tests;

public class TenantIsolationTests
{
    internal const string Alpha = "alpha";
    internal const string Beta = "beta";

    [Fact]
    public async Task Model_EveryTenantOwnedEntity_CarriesTenantFilterAndConcurrencyToken()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        await using var scope = database.UnboundScope();
        var tenantOwned = scope.Db().Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)).ToList();

        Assert.Equal(36, tenantOwned.Count);
        Assert.All(tenantOwned, t =>
        {
            Assert.Contains(t.GetDeclaredQueryFilters(), f => f.Key == PilotdeckDbContext.TenantFilter);
            Assert.True(t.FindProperty(nameof(ITenantOwned.TenantId))!.IsConcurrencyToken);
        });
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Query_OtherTenantsRows_AreInvisibleAndNotCounted(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using var scope = database.TenantScope(Alpha);
        var db = scope.Db();

        Assert.Equal(["alpha-client"], await db.ApiClients.Select(c => c.Name).ToListAsync());
        Assert.Equal(1, await db.ApiClients.CountAsync());
        Assert.Null(await db.ApiClients.FindAsync("beta-client-id"));
        Assert.False(await db.ApiClients.AnyAsync(c => c.ClientId == "beta-client-id"));
        Assert.Equal(0, await db.IdempotencyRecords.CountAsync());
        Assert.Equal([Alpha], await db.Memberships.Select(m => m.TenantId).ToListAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Query_NoTenantBound_SeesNoTenantOwnedRows(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using var scope = database.UnboundScope();
        var db = scope.Db();

        Assert.Equal(0, await db.ApiClients.CountAsync());
        Assert.Equal(0, await db.Memberships.CountAsync());
        Assert.Equal(0, await db.IdempotencyRecords.CountAsync());
        Assert.Equal(2, await db.Tenants.CountAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_InsertForOtherTenant_ThrowsAndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            db.ApiClients.Add(NewClient("planted", Beta));

            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        Assert.Equal(1, await CountClientsAsync(database, Beta));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_InsertWithoutTenantId_StampsBoundTenant(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Beta))
        {
            var db = scope.Db();
            db.ApiClients.Add(NewClient("second-beta", tenantId: ""));
            await db.SaveChangesAsync();
        }

        Assert.Equal(2, await CountClientsAsync(database, Beta));
        Assert.Equal(1, await CountClientsAsync(database, Alpha));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_NoTenantBound_Throws(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using var scope = database.UnboundScope();
        var db = scope.Db();
        db.ApiClients.Add(NewClient("orphan", tenantId: ""));

        await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_UpdateAttachedRowOfOtherTenant_Throws(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            var victim = NewClient("beta-client", Beta, "beta-client-id");
            db.ApiClients.Attach(victim);
            victim.Name = "renamed by alpha";

            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        Assert.Equal("beta-client", await ClientNameAsync(database, Beta, "beta-client-id"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_UpdateOtherTenantsRowClaimingOwnTenant_MatchesNoRow(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            db.ApiClients.Update(NewClient("stolen", Alpha, "beta-client-id"));

            // Same failure as for a row that does not exist: the error must not reveal other tenants' keys.
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        }

        Assert.Equal("beta-client", await ClientNameAsync(database, Beta, "beta-client-id"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_DeleteAttachedRowOfOtherTenant_Throws(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            db.ApiClients.Remove(NewClient("beta-client", Beta, "beta-client-id"));

            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        Assert.Equal(1, await CountClientsAsync(database, Beta));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_DeleteOtherTenantsRowClaimingOwnTenant_MatchesNoRow(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            db.ApiClients.Remove(NewClient("beta-client", Alpha, "beta-client-id"));

            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        }

        Assert.Equal(1, await CountClientsAsync(database, Beta));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_MoveOwnRowToOtherTenant_Throws(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            var client = await db.ApiClients.SingleAsync();
            db.Entry(client).Property(c => c.TenantId).CurrentValue = Beta;

            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        Assert.Equal(1, await CountClientsAsync(database, Alpha));
        Assert.Equal(1, await CountClientsAsync(database, Beta));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ExecuteBulk_OtherTenantsRows_AffectsNone(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();

            Assert.Equal(0, await db.ApiClients.Where(c => c.ClientId == "beta-client-id").ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "bulk")));
            Assert.Equal(1, await db.ApiClients.ExecuteDeleteAsync());
        }

        Assert.Equal(0, await CountClientsAsync(database, Alpha));
        Assert.Equal("beta-client", await ClientNameAsync(database, Beta, "beta-client-id"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task FeedbackCounts_OtherTenantsRows_AreInvisibleAndUntouchedByBulkChanges(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        foreach (var tenant in new[] { Alpha, Beta })
        {
            await using var scope = database.TenantScope(tenant);
            var db = scope.Db();
            var now = database.Time.GetUtcNow();
            var cohortId = "cohort-" + tenant;
            db.Cohorts.Add(new CohortRecord { Id = cohortId, Slug = "fall-2025", Title = "Fall", State = "running", CreatedAt = now, UpdatedAt = now });
            db.FeedbackCounts.Add(new FeedbackCountRecord { CohortId = cohortId, Day = new DateOnly(2025, 11, 10), Sentiment = "negative", Rating = 1, Total = 1 });
            db.BlockerCounts.Add(new BlockerCountRecord { CohortId = cohortId, GroupKey = "csv export fail", Reports = 1, Participants = 1, Wording = "CSV export fails" });
            await db.SaveChangesAsync();
        }

        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();

            Assert.Equal(["cohort-alpha"], await db.BlockerCounts.Select(k => k.CohortId).ToListAsync());
            Assert.Equal(1, await db.BlockerCounts.Where(k => k.GroupKey == "csv export fail").ExecuteUpdateAsync(s => s.SetProperty(k => k.Reports, k => k.Reports + 1)));
            Assert.Equal(1, await db.FeedbackCounts.ExecuteDeleteAsync());
        }

        await using (var scope = database.TenantScope(Beta))
        {
            var db = scope.Db();
            Assert.Equal([1], await db.BlockerCounts.Select(k => k.Reports).ToListAsync());
            Assert.Equal(1, await db.FeedbackCounts.CountAsync());
        }
    }

    [Fact]
    public void TenantContext_BindToSecondTenant_Throws()
    {
        var context = new TenantContext();
        context.Bind(Alpha);
        context.Bind(Alpha);

        Assert.Throws<TenantIsolationException>(() => context.Bind(Beta));
        Assert.Equal(Alpha, context.TenantId);
    }

    internal static async Task<TestDatabase> SeedAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await database.AddTenantsAsync(Alpha, Beta);
        var now = database.Time.GetUtcNow();

        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            var user = new User { Id = "user-a", Email = "a@example.com", NormalizedEmail = "A@EXAMPLE.COM", CreatedAt = now };
            db.Users.Add(user);
            db.Memberships.Add(new Membership { UserId = user.Id, Role = MemberRole.Owner, CreatedAt = now });
            db.ApiClients.Add(NewClient("alpha-client", Alpha, "alpha-client-id"));
            await db.SaveChangesAsync();
        }

        await using (var scope = database.TenantScope(Beta))
        {
            var db = scope.Db();
            var user = new User { Id = "user-b", Email = "b@example.com", NormalizedEmail = "B@EXAMPLE.COM", CreatedAt = now };
            db.Users.Add(user);
            db.Memberships.Add(new Membership { UserId = user.Id, Role = MemberRole.Viewer, CreatedAt = now });
            db.ApiClients.Add(NewClient("beta-client", Beta, "beta-client-id"));
            db.IdempotencyRecords.Add(new IdempotencyRecord { Method = "/m", RequestId = "r1", RequestHash = [1], Response = [2], CreatedAt = now });
            await db.SaveChangesAsync();
        }
        return database;
    }

    internal static ApiClientRecord NewClient(string name, string tenantId, string? clientId = null) => new()
    {
        ClientId = clientId ?? name + "-id",
        TenantId = tenantId,
        Name = name,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    internal static async Task<int> CountClientsAsync(TestDatabase database, string tenantId)
    {
        await using var scope = database.TenantScope(tenantId);
        return await scope.Db().ApiClients.CountAsync();
    }

    private static async Task<string?> ClientNameAsync(TestDatabase database, string tenantId, string clientId)
    {
        await using var scope = database.TenantScope(tenantId);
        return await scope.Db().ApiClients.Where(c => c.ClientId == clientId).Select(c => c.Name).SingleOrDefaultAsync();
    }
}
