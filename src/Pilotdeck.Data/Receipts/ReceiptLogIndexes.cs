using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Receipts;

/// <summary>
/// Gives a batch of the scope's tenant's receipts their leaf indices in one statement, instead of
/// one tracked entity and one UPDATE each (the sequencer's largest cost per receipt under EF's
/// change tracking). Runs in the caller's transaction.
/// </summary>
public static class ReceiptLogIndexes
{
    /// <summary>
    /// Sets <see cref="ReceiptRecord.LogIndex"/> of receipt <c>ids[i]</c> to <c>first + i</c>.
    /// Every id must be a receipt of the scope's tenant without an index; otherwise nothing is kept
    /// and it throws (the caller's transaction must then roll back).
    /// </summary>
    public static async Task AssignLogIndexesAsync(this PilotdeckDbContext db, IReadOnlyList<string> ids, long first, CancellationToken cancellationToken)
    {
        var tenant = db.Tenant.TenantId ?? throw new TenantIsolationException("Cannot sequence receipts: no tenant is bound to this scope.");
        int changed;
        if (db.Database.IsNpgsql())
        {
            // The guard is written so no index matches it: as `log_index IS NULL` it let the planner
            // hash every pending receipt (through their index) whenever the statistics predated the
            // backlog, once per batch, instead of probing the primary key once per id.
            var array = ids.ToArray();
            changed = await db.Database.ExecuteSqlAsync(
                $"UPDATE receipts AS r SET log_index = {first} + v.ord - 1 FROM unnest({array}) WITH ORDINALITY AS v(id, ord) WHERE r.tenant_id = {tenant} AND r.id = v.id AND coalesce(r.log_index, -1) = -1",
                cancellationToken);
        }
        else
        {
            // SQLite (and SQL Server): one prepared UPDATE by key, re-bound per receipt. A single
            // UPDATE … FROM json_each would be planned as pending receipts × ids, quadratic in a backlog.
            changed = await UpdateEachAsync(db, ids, first, tenant, cancellationToken);
        }

        if (changed != ids.Count)
        {
            throw new InvalidOperationException($"Sequencing expected to index {ids.Count} pending receipts and indexed {changed}: another sequencer got there first.");
        }
    }

    private static async Task<int> UpdateEachAsync(PilotdeckDbContext db, IReadOnlyList<string> ids, long first, string tenant, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Log indices are assigned inside the sequencer's transaction.");
        command.CommandText = "UPDATE receipts SET log_index = @index WHERE id = @id AND tenant_id = @tenant AND log_index IS NULL";
        var index = Parameter(command, "@index", 0L);
        var id = Parameter(command, "@id", "");
        Parameter(command, "@tenant", tenant);
        var changed = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            index.Value = first + i;
            id.Value = ids[i];
            changed += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return changed;
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
