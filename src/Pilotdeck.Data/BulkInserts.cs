using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data;

/// <summary>
/// Writes many new rows without EF Core's per-entity update pipeline (docs/adr/0021-bulk-import-writes.md):
/// PostgreSQL gets one binary COPY per table, the other providers one prepared INSERT re-bound per
/// row. Tables, columns and value conversions come from the EF model, rows go into the context's
/// transaction (one is opened when there is none, so a call is all or nothing), and tenant-owned
/// rows are held to the scope's tenant by the rule SaveChanges applies (an empty tenant becomes the
/// scope's, another tenant's throws <see cref="TenantIsolationException"/>).
/// </summary>
public static class BulkInserts
{
    /// <summary>Inserts new records of any mapped types, none of them tracked, principal tables first.</summary>
    public static async Task InsertInBulkAsync(this PilotdeckDbContext db, IReadOnlyCollection<object> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        var byType = records.GroupBy(r => db.Model.FindEntityType(r.GetType()) ?? throw new InvalidOperationException($"{r.GetType().Name} is not in the model."))
            .ToDictionary(g => g.Key, g => g.ToList());
        await WithTransactionAsync(db, () => WriteAsync(db, byType, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// SaveChanges for a tracker holding many new entities: the added ones are inserted in bulk
    /// (principal tables first), modified and deleted ones then go through SaveChanges as usual
    /// (concurrency tokens and all); one transaction for both. The tracker is empty afterwards.
    /// </summary>
    public static async Task SaveChangesInBulkAsync(this PilotdeckDbContext db, CancellationToken cancellationToken)
    {
        // Only the added entries are read here; SaveChanges detects the rest's changes itself.
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        List<EntityEntry> entries;
        try
        {
            entries = [.. db.ChangeTracker.Entries()];
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }

        var added = entries.Where(e => e.State == EntityState.Added).GroupBy(e => e.Metadata).ToDictionary(g => g.Key, g => g.Select(e => e.Entity).ToList());
        await WithTransactionAsync(db, async () =>
        {
            await WriteAsync(db, added, cancellationToken);

            // Tracked records may have been changed (changes not detected yet): SaveChanges looks.
            if (entries.Any(e => e.State != EntityState.Added))
            {
                foreach (var entry in entries.Where(e => e.State == EntityState.Added))
                {
                    entry.State = EntityState.Detached;
                }

                await db.SaveChangesAsync(cancellationToken);
            }
        }, cancellationToken);
        db.ChangeTracker.Clear();
    }

    private static async Task WriteAsync(PilotdeckDbContext db, Dictionary<IEntityType, List<object>> byType, CancellationToken cancellationToken)
    {
        foreach (var type in PrincipalsFirst(byType.Keys))
        {
            var table = Table.Of(db, type);
            await table.WriteAsync(db, [.. byType[type].Select(e => table.ValuesOf(e, db.Tenant.TenantId))], cancellationToken);
            if (byType.Keys.Any(child => child != type && child.GetForeignKeys().Any(fk => fk.PrincipalEntityType == type)))
            {
                await AnalyzeIfNewAsync(db, table.Name, cancellationToken);
            }
        }
    }

    // The parent tables each open transaction has written in bulk. Keyed by EF's transaction, made
    // anew for each one (Npgsql may reuse its own transaction object on a pooled connection).
    private static readonly ConditionalWeakTable<IDbContextTransaction, HashSet<string>> WrittenInTransaction = new();

    /// <summary>
    /// The first time a PostgreSQL transaction writes a table in bulk together with rows that refer
    /// to it, and the table has no statistics yet (never analysed, or analysed while empty):
    /// analyses it, its own new rows included, before the rows referring to it are written.
    /// Without this the first import into a new database is quadratic: the foreign-key check of
    /// each child row (a participant's status, its note) is planned while the parent looks empty,
    /// every index led by the tenant ties on cost with the key, and the plan kept reads all the
    /// tenant's rows for every check — nothing replans it within the transaction
    /// (docs/adr/0021-bulk-import-writes.md, "A first import into an empty database").
    /// SKIP_LOCKED: a concurrent ANALYZE of the table never makes this wait.
    /// </summary>
    private static async Task AnalyzeIfNewAsync(PilotdeckDbContext db, string table, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql() || db.Database.CurrentTransaction is not { } transaction
            || !WrittenInTransaction.GetOrCreateValue(transaction).Add(table))
        {
            return;
        }

        var unanalysed = await db.Database.SqlQuery<bool>($"SELECT reltuples <= 0 AS \"Value\" FROM pg_class WHERE oid = to_regclass({table})").SingleAsync(cancellationToken);
        if (unanalysed)
        {
            // The model's table name, delimited by the provider: not input.
            var analyze = "ANALYZE (SKIP_LOCKED) " + table;
            await db.Database.ExecuteSqlRawAsync(analyze, cancellationToken);
        }
    }

    private static async Task WithTransactionAsync(PilotdeckDbContext db, Func<Task> write, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await write();
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await write();
        await transaction.CommitAsync(cancellationToken);
    }

    // A table of a type that another new table refers to is written before it.
    private static List<IEntityType> PrincipalsFirst(IEnumerable<IEntityType> types)
    {
        var pending = types.ToList();
        var ordered = new List<IEntityType>(pending.Count);
        while (pending.Count > 0)
        {
            var next = pending.FirstOrDefault(t => !t.GetForeignKeys().Any(fk => fk.PrincipalEntityType != t && pending.Contains(fk.PrincipalEntityType)))
                ?? throw new InvalidOperationException("New rows of tables that refer to each other cannot be inserted in bulk.");
            ordered.Add(next);
            pending.Remove(next);
        }

        return ordered;
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping, bool IsTenant);

    private sealed class Table(string name, Column[] columns)
    {
        public string Name => name;

        public static Table Of(PilotdeckDbContext db, IEntityType type)
        {
            var store = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            var columns = new List<Column>();
            foreach (var property in type.GetProperties())
            {
                // Identity keys are the database's to give.
                if (property.ValueGenerated == ValueGenerated.OnAdd && property.IsPrimaryKey() && property.ClrType != typeof(string))
                {
                    continue;
                }

                if (property.GetDefaultValueSql() is not null || property.GetComputedColumnSql() is not null || property.IsShadowProperty())
                {
                    throw new NotSupportedException($"{type.ShortName()}.{property.Name} is set by the database or not on the entity; bulk inserts write every column from the entity.");
                }

                columns.Add(new Column(property, sql.DelimitIdentifier(property.GetColumnName(store)!), property.GetRelationalTypeMapping(), property.Name == nameof(ITenantOwned.TenantId) && typeof(ITenantOwned).IsAssignableFrom(type.ClrType)));
            }

            return new Table(sql.DelimitIdentifier(store.Name, store.Schema), [.. columns]);
        }

        /// <summary>An entity's provider values; its tenant must be the scope's (or empty: then it is), as SaveChanges requires.</summary>
        public object?[] ValuesOf(object entity, string? tenantId)
        {
            var values = new object?[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                var value = columns[i].Property.GetGetter().GetClrValueUsingContainingEntity(entity);
                if (columns[i].IsTenant)
                {
                    var tenant = tenantId ?? throw new TenantIsolationException($"Cannot save {entity.GetType().Name}: no tenant is bound to this scope.");
                    value = value is "" ? tenant : (string)value! == tenant ? value
                        : throw new TenantIsolationException($"Cannot save {entity.GetType().Name} of tenant '{value}' while bound to tenant '{tenant}'.");
                }

                values[i] = ToProvider(columns[i], value);
            }

            return values;
        }

        public async Task WriteAsync(PilotdeckDbContext db, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
        {
            var connection = db.Database.GetDbConnection();
            var columnList = string.Join(", ", columns.Select(c => c.Name));
            if (connection is NpgsqlConnection npgsql)
            {
                var types = columns.Select(c => c.Mapping.StoreTypeNameBase).ToArray();
                await using var copy = await npgsql.BeginBinaryImportAsync($"COPY {name} ({columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
                foreach (var row in rows)
                {
                    await copy.StartRowAsync(cancellationToken);
                    for (var i = 0; i < row.Length; i++)
                    {
                        if (row[i] is { } value)
                        {
                            await copy.WriteAsync(value, types[i], cancellationToken);
                        }
                        else
                        {
                            await copy.WriteNullAsync(cancellationToken);
                        }
                    }
                }

                await copy.CompleteAsync(cancellationToken);
                return;
            }

            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = $"INSERT INTO {name} ({columnList}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
            var parameters = new DbParameter[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                parameters[i] = columns[i].Mapping.CreateParameter(command, "@p" + i, null, columns[i].Property.IsNullable);
                command.Parameters.Add(parameters[i]);
            }

            foreach (var row in rows)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    parameters[i].Value = row[i] ?? DBNull.Value;
                }

                // The providers this path serves (SQLite in-process, SQL Server) gain nothing from async per row.
                command.ExecuteNonQuery();
            }
        }

        private static object? ToProvider(Column column, object? value) =>
            value is null ? null : column.Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }
}
