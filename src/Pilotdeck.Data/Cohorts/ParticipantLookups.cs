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
    /// On PostgreSQL each key is probed on its own (a <c>LATERAL</c> subquery per key, kept one by
    /// <c>OFFSET 0</c>) on the unique index (tenant, natural key, cohort), with the cohort stated as a
    /// row comparison: <c>(natural_key, cohort_id)</c> between (key, cohort) and (key, cohort). Only
    /// an index holding natural_key and cohort_id side by side can use that, so the probe lands on
    /// this cohort's row alone, whatever the planner believes about the cohort's size. A plain
    /// <c>cohort_id = …</c> would let it read the cohort's range of the index that leads with (tenant,
    /// cohort) instead, chosen by an estimate that is wrong exactly when it matters: a commit fills a
    /// new cohort inside its own transaction, where no statistics see it (ADR 0021, "one key per
    /// probe" and the last amendment). The <c>natural_key =</c> beside it keeps the estimate at a
    /// row per key; the row comparison alone is estimated at a third of the table. SQLite gets the
    /// keys as one parameter (<c>json_each</c>, as the data layer sends every list: ADR 0031), so
    /// the query's SQL is generated once rather than for every batch with its thousand literals, and
    /// probes the unique index once per key.
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
                  AND (natural_key, cohort_id) >= (k.natural_key, {cohortId})
                  AND (natural_key, cohort_id) <= (k.natural_key, {cohortId})
                OFFSET 0) AS p
            """);
    }
}
