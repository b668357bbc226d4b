using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data.Cohorts;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// Migration ParticipantInitialStatus moves each participant's first status change onto the
/// participant, per provider: a database at the migration before, participants in two tenants, then
/// the upgrade; the later changes stay rows, and no participant takes another's first status.
/// </summary>
public class ParticipantInitialStatusMigrationTests
{
    private const string Alpha = TenantIsolationTests.Alpha;
    private const string Beta = TenantIsolationTests.Beta;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migration_FirstStatusChanges_MoveOntoTheirParticipants(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateBeforeMigrationAsync(provider, "ParticipantInitialStatus");

        await database.AddTenantsAsync(Alpha, Beta);
        var alpha = await StoreAsync(database, Alpha, ("ana", "invited", "user:a1", ["scheduled", "active"]), ("ben", "scheduled", "client:c1", []));
        await StoreAsync(database, Beta, ("ana", "active", "user:b1", ["completed"]));
        await using (var scope = database.TenantScope(Alpha))
        {
            // A participant whose first status was never recorded gets none.
            await StoreParticipantAsync(scope.Db(), Alpha, alpha, "cy", "invited", database.Time.GetUtcNow());
        }

        await DatabaseMigrator.MigrateAsync(database.Services);

        Assert.Equal(["ana: invited by user:a1, then invited->scheduled, scheduled->active", "ben: scheduled by client:c1", "cy: no first status"], await HistoriesAsync(database, Alpha));
        Assert.Equal(["ana: active by user:b1, then active->completed"], await HistoriesAsync(database, Beta));
    }

    /// <summary>
    /// Stores a participant as the schema before migration ParticipantInitialStatus held one (the
    /// current record has columns that schema lacks); returns its id.
    /// </summary>
    internal static async Task<string> StoreParticipantAsync(PilotdeckDbContext db, string tenantId, string cohortId, string alias, string status, DateTimeOffset at)
    {
        var id = Guid.CreateVersion7(at).ToString();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO participants (id, tenant_id, cohort_id, natural_key, alias, email, phone, locale, status, source, channel, tags, consent_method, created_at, updated_at)
            VALUES ({id}, {tenantId}, {cohortId}, {"alias:" + alias}, {alias}, '', '', '', {status}, '', '', '', '', {at}, {at})
            """);
        return id;
    }

    /// <summary>One cohort of <paramref name="tenantId"/> with participants, each with its first status change and the later ones.</summary>
    private static async Task<string> StoreAsync(
        TestDatabase database, string tenantId, params (string Alias, string First, string Actor, string[] Then)[] participants)
    {
        await using var scope = database.TenantScope(tenantId);
        var db = scope.Db();
        var now = database.Time.GetUtcNow();
        var cohortId = Guid.NewGuid().ToString();
        db.Cohorts.Add(new CohortRecord { Id = cohortId, Slug = "fall-2025", Title = "Fall", State = "running", CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync();
        foreach (var (alias, first, actor, then) in participants)
        {
            var id = await StoreParticipantAsync(db, tenantId, cohortId, alias, then.LastOrDefault() ?? first, now);
            var from = "";
            foreach (var to in (string[])[first, .. then])
            {
                db.ParticipantStatusChanges.Add(new ParticipantStatusChangeRecord { ParticipantId = id, FromStatus = from, ToStatus = to, Actor = from.Length == 0 ? actor : "user:later", ChangedAt = now });
                from = to;
            }

            await db.SaveChangesAsync();
        }

        return cohortId;
    }

    private static async Task<List<string>> HistoriesAsync(TestDatabase database, string tenantId)
    {
        await using var scope = database.TenantScope(tenantId);
        var db = scope.Db();
        var changes = (await db.ParticipantStatusChanges.OrderBy(c => c.Id).ToListAsync()).ToLookup(c => c.ParticipantId);
        return [.. (await db.Participants.OrderBy(p => p.Alias).ToListAsync()).Select(p =>
            $"{p.Alias}: " + (p.InitialStatus.Length > 0 ? $"{p.InitialStatus} by {p.CreatedBy}" : "no first status")
            + (changes[p.Id].Any() ? ", then " + string.Join(", ", changes[p.Id].Select(c => $"{c.FromStatus}->{c.ToStatus}")) : ""))];
    }
}
