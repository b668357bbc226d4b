using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Tenancy;
using static Pilotdeck.Data.Tests.TenantIsolationTests;

namespace Pilotdeck.Data.Tests;

/// <summary>A child row names its parent with its tenant (ADR 0023): the database refuses another tenant's parent, and a tenant's deletion still reaches every child.</summary>
public class TenantScopedForeignKeysTests
{
    [Fact]
    public async Task Model_EveryTenantOwnedRow_ReachesTenantsDirectlyOrThroughAParentOfItsTenant()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        await using var scope = database.UnboundScope();
        var tenantOwned = scope.Db().Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)).ToList();

        Assert.All(tenantOwned, t =>
        {
            var keys = t.GetForeignKeys().ToList();
            var direct = keys.Where(k => k.PrincipalEntityType.ClrType == typeof(Tenant)).ToList();
            var withinTenant = keys.Where(k => k.Properties.Any(p => p.Name == nameof(ITenantOwned.TenantId)) && k.PrincipalEntityType.ClrType != typeof(Tenant)).ToList();
            Assert.True(direct.Count + (withinTenant.Count > 0 ? 1 : 0) == 1, $"{t.ClrType.Name}: {direct.Count} key(s) to tenants, {withinTenant.Count} within the tenant");
            // Every key to another tenant-owned row carries the tenant: no parent by id alone.
            Assert.All(keys.Where(k => typeof(ITenantOwned).IsAssignableFrom(k.PrincipalEntityType.ClrType)), k =>
                Assert.Equal(nameof(ITenantOwned.TenantId), k.Properties[0].Name));
        });
        Assert.Contains(tenantOwned, t => t.ClrType == typeof(ParticipantRecord));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AParticipantInAnotherTenantsCohort_IsRefusedByTheDatabase(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        var betaCohort = await AddCohortAsync(database, Beta);

        await using (var scope = database.TenantScope(Alpha))
        {
            var db = scope.Db();
            db.Participants.Add(NewParticipant("planted", betaCohort));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using (var scope = database.TenantScope(Beta))
        {
            // The same row in the cohort's own tenant is stored: the key, not the row, was refused.
            var db = scope.Db();
            db.Participants.Add(NewParticipant("own", betaCohort));
            await db.SaveChangesAsync();
        }

        await using var unbound = database.UnboundScope();
        Assert.Equal(["own"], await unbound.Db().Participants.IgnoreQueryFilters().Select(p => p.Id).ToListAsync());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DeletingATenant_RemovesItsChildrenThroughTheirParents_AndNoOtherTenantsRows(DatabaseProvider provider)
    {
        await using var database = await SeedAsync(provider);
        foreach (var tenant in new[] { Alpha, Beta })
        {
            var cohort = await AddCohortAsync(database, tenant);
            await using var scope = database.TenantScope(tenant);
            var db = scope.Db();
            db.Participants.Add(NewParticipant(tenant + "-p", cohort));
            db.ParticipantStatusChanges.Add(new ParticipantStatusChangeRecord { ParticipantId = tenant + "-p", FromStatus = "invited", ToStatus = "scheduled", Actor = "test" });
            await db.SaveChangesAsync();
        }

        await using var unbound = database.UnboundScope();
        var all = unbound.Db();
        await all.Tenants.Where(t => t.Id == Beta).ExecuteDeleteAsync();

        Assert.Equal([Alpha], await all.Cohorts.IgnoreQueryFilters().Select(c => c.TenantId).ToListAsync());
        Assert.Equal([Alpha], await all.Participants.IgnoreQueryFilters().Select(p => p.TenantId).ToListAsync());
        Assert.Equal([Alpha], await all.ParticipantStatusChanges.IgnoreQueryFilters().Select(c => c.TenantId).ToListAsync());
    }

    private static async Task<string> AddCohortAsync(TestDatabase database, string tenantId)
    {
        await using var scope = database.TenantScope(tenantId);
        var db = scope.Db();
        var cohort = new CohortRecord { Id = tenantId + "-cohort", Slug = "fall-2025", Title = "Fall", State = "planning" };
        db.Cohorts.Add(cohort);
        await db.SaveChangesAsync();
        return cohort.Id;
    }

    private static ParticipantRecord NewParticipant(string id, string cohortId) =>
        new() { Id = id, CohortId = cohortId, NaturalKey = "alias:" + id, Status = "invited" };
}
