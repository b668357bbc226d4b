using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pilotdeck.Data;

/// <summary>
/// Keeps PostgreSQL's plans for batches of key lookups (an import reads 1,000 records by natural
/// key at a time) on the unique index that answers them. Two things pulled them onto reading a
/// whole cohort per batch instead, 100,000 rows for 1,000 keys:
/// <list type="bullet">
/// <item>stale statistics: autovacuum analyzes a table up to a minute after a tenth of it changed,
/// and until then the planner takes a cohort that one import just filled for nearly empty;</item>
/// <item>the default <c>random_page_cost</c> of 4, priced for spinning disks: 1,000 probes of an
/// index the import keeps hot looked dearer than scanning the cohort's rows in order.</item>
/// </list>
/// Other providers plan these lookups well as they are: every method does nothing there.
/// </summary>
public static class KeyLookupPlanning
{
    /// <summary>
    /// Analyzes the table of <paramref name="entity"/> when more than a tenth of its rows (and at
    /// least 1,000) changed since it was last analyzed. Call it outside a transaction: ANALYZE's
    /// lock is held until the transaction ends. Nothing for types outside the model.
    /// </summary>
    public static async Task RefreshStatisticsIfStaleAsync(this PilotdeckDbContext db, Type entity, CancellationToken cancellationToken)
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

    /// <summary>
    /// For the rest of the current transaction, prices a random page read at 1.1 sequential ones,
    /// the usual setting for SSDs and cached data (<c>SET LOCAL</c>: the pooled connection keeps
    /// nothing of it).
    /// </summary>
    public static Task PreferIndexProbesAsync(this PilotdeckDbContext db, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlRawAsync("SET LOCAL random_page_cost = 1.1", cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// On PostgreSQL, a transaction for a run of lookups with <see cref="PreferIndexProbesAsync"/>
    /// applied; null elsewhere (there a dry-run reads without one).
    /// </summary>
    public static async Task<IDbContextTransaction?> BeginLookupTransactionAsync(this PilotdeckDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.PreferIndexProbesAsync(cancellationToken);
        return transaction;
    }
}
