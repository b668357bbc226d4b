using Microsoft.EntityFrameworkCore;

namespace Pilotdeck.Data;

/// <summary>
/// Keeps PostgreSQL's picture of a table current before a bulk read depends on it. Autovacuum
/// analyzes a table up to a minute after a tenth of it changed; until then the planner still
/// believes a cohort that one import just filled is empty, and answers the next import's
/// key lookups by reading the whole cohort once per batch instead of probing the unique index
/// (100,000 rows per 1,000-row batch). Other providers: nothing to do.
/// </summary>
public static class PlannerStatistics
{
    /// <summary>
    /// Analyzes the table of <paramref name="entity"/> when more than a tenth of its rows (and at
    /// least 1,000) changed since it was last analyzed. A no-op for types outside the model.
    /// </summary>
    public static async Task RefreshIfStaleAsync(this PilotdeckDbContext db, Type entity, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql() || db.Model.FindEntityType(entity)?.GetTableName() is not { } table)
        {
            return;
        }

        var stale = await db.Database.SqlQuery<bool>(
            $"SELECT n_mod_since_analyze > GREATEST(1000, n_live_tup / 10) AS \"Value\" FROM pg_stat_user_tables WHERE relid = to_regclass({table})")
            .ToListAsync(cancellationToken);
        if (stale is [true])
        {
            // The name comes from the EF model, not from input.
#pragma warning disable EF1002
            await db.Database.ExecuteSqlRawAsync($"ANALYZE \"{table}\"", cancellationToken);
#pragma warning restore EF1002
        }
    }
}
