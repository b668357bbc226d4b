using System.Data.Common;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// Describes a database's schema from its own catalog as sorted lines, so that two databases built
/// different ways can be compared with a readable diff. EF's bookkeeping tables are left out.
/// </summary>
public static class SchemaCatalog
{
    private static readonly string[] SqliteQueries =
    [
        """
        SELECT 'column', m.name, p.name, p.type, p."notnull", p.pk, p.dflt_value
        FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'
        """,
        """
        SELECT 'index', m.name, il.name, il."unique", group_concat(ii.name)
        FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii
        WHERE m.type = 'table' GROUP BY m.name, il.name, il."unique"
        """,
        """
        SELECT 'foreign key', m.name, f."table", f."from", f."to", f.on_delete
        FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'
        """,
    ];

    private static readonly string[] PostgresQueries =
    [
        """
        SELECT 'column', table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'
        """,
        "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
        """
        SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        """,
    ];

    public static async Task<IReadOnlyList<string>> DescribeAsync(DbConnection connection, DatabaseProvider provider)
    {
        var lines = new List<string>();
        foreach (var sql in provider == DatabaseProvider.Sqlite ? SqliteQueries : PostgresQueries)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(1);
                if (table.StartsWith("__EF", StringComparison.Ordinal) || table.StartsWith("\"__EF", StringComparison.Ordinal))
                {
                    continue;
                }
                var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i)));
                lines.Add(string.Join(" | ", values));
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
