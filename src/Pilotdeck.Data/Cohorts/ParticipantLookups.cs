using Microsoft.EntityFrameworkCore;

namespace Pilotdeck.Data.Cohorts;

/// <summary>
/// Finds a batch of a cohort's participants by natural key: an import asks for 1,000 at a time.
/// </summary>
public static class ParticipantLookups
{
    /// <summary>
    /// The participants of <paramref name="cohortId"/> whose natural key is one of
    /// <paramref name="naturalKeys"/> (of the scope's tenant, like every query).
    /// </summary>
    /// <remarks>
    /// On PostgreSQL each key is looked up on its own, by (tenant, natural key) on the unique index
    /// that leads with them, and the cohort is compared after that, behind an <c>OFFSET 0</c> the
    /// planner does not push conditions through. Asked as one <c>cohort_id = … AND natural_key IN
    /// (…)</c>, the planner weighs probing for every key against reading the cohort's whole range
    /// of the index that leads with (tenant, cohort), by its estimate of the cohort's size; and that
    /// estimate is wrong exactly when it matters: a commit fills a new cohort inside its own
    /// transaction, where no statistics see it, so every batch read every row inserted before it
    /// (ADR 0021, "one key per probe"). Without the cohort in the probe there is
    /// one plan. SQLite gets the keys as one parameter (<c>json_each</c>, as the data layer sends every
    /// list: ADR 0031), so the query's SQL is generated once rather than for every batch with its
    /// thousand literals (a fifth of a dry-run's allocations), and probes the unique index once per key.
    /// </remarks>
    public static IQueryable<ParticipantRecord> ByNaturalKeys(this PilotdeckDbContext db, string cohortId, IReadOnlyCollection<string> naturalKeys)
    {
        if (!db.Database.IsNpgsql())
        {
            return db.Participants.Where(p => p.CohortId == cohortId && naturalKeys.Contains(p.NaturalKey));
        }

        var tenantId = db.Tenant.TenantId ?? "";
        var keys = naturalKeys.ToArray();
        return db.Participants.FromSql($"""
            SELECT p.* FROM unnest({keys}) AS k(natural_key)
            CROSS JOIN LATERAL (
                SELECT * FROM participants
                WHERE tenant_id = {tenantId} AND natural_key = k.natural_key
                OFFSET 0) AS p
            WHERE p.cohort_id = {cohortId}
            """);
    }
}
