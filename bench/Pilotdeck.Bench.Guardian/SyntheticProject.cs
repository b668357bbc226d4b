using System.Text.Json;

namespace Pilotdeck.Bench.Guardian;

/// <summary>
/// Writes a deterministic dbt manifest (schema v12, dbt 1.10) the size of a large real project:
/// models with SQL, described columns and the usual mix of generic tests, plus macros and the
/// parent/child maps that a reader has to skip.
/// </summary>
internal static class SyntheticProject
{
    public const int Models = 10_000;
    public const int ColumnsPerModel = 20;
    public const int Tests = 50_000;
    private const string Project = "bench_shop";

    public static void Write(string path)
    {
        var random = new Random(42);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteStartObject("metadata");
        w.WriteString("dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v12.json");
        w.WriteString("dbt_version", "1.10.13");
        w.WriteString("generated_at", "2025-10-11T00:05:38.551300Z");
        w.WriteString("project_name", Project);
        w.WriteString("adapter_type", "snowflake");
        w.WriteEndObject();

        w.WriteStartObject("nodes");
        for (var m = 0; m < Models; m++)
        {
            WriteModel(w, m, random);
        }
        var written = 0;
        for (var m = 0; written < Tests; m = (m + 1) % Models)
        {
            written += WriteTests(w, m, random, Tests - written);
        }
        w.WriteEndObject();

        w.WriteStartObject("sources");
        w.WriteEndObject();
        w.WriteStartObject("macros");
        for (var i = 0; i < 2_000; i++)
        {
            w.WriteStartObject($"macro.{Project}.macro_{i}");
            w.WriteString("name", $"macro_{i}");
            w.WriteString("macro_sql", $"{{% macro macro_{i}(column) %}} case when {{{{ column }}}} is null then 0 else {{{{ column }}}} end {{% endmacro %}}" + new string(' ', 400));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        WriteMap(w, "parent_map", Parents);
        WriteMap(w, "child_map", Children);
        w.WriteStartObject("unit_tests");
        for (var m = 0; m < Models; m += 10)
        {
            var id = $"unit_test.{Project}.{ModelName(m)}.computes_{m}";
            w.WriteStartObject(id);
            w.WriteString("unique_id", id);
            w.WriteString("name", $"computes_{m}");
            w.WriteString("model", ModelName(m));
            w.WriteStartObject("depends_on");
            w.WriteStartArray("nodes");
            w.WriteStringValue(ModelId(m));
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // dbt's layers, as a DAG (dbt refuses to compile a cycle): a staging model reads raw data, an
    // intermediate model its staging model, a fact model its intermediate model and the previous
    // fact model — so fact models form a chain thousands deep, a hard case for lineage questions.
    private static int[] Parents(int m) => (m % 3) switch
    {
        0 => [],
        1 => [m - 1],
        _ => m >= 5 ? [m - 1, m - 3] : [m - 1],
    };

    private static string ModelName(int m) => $"{(m % 3 == 0 ? "stg" : m % 3 == 1 ? "int" : "fct")}_entity_{m:D5}s";

    private static string ModelId(int m) => $"model.{Project}.{ModelName(m)}";

    private static string KeyColumn(int m) => $"entity_{m:D5}_id";

    private static string ColumnName(int m, int c) => c switch
    {
        0 => KeyColumn(m),
        1 or 2 => KeyColumn((m + c * 7) % Models),
        3 => "status",
        4 => "created_at",
        5 => "updated_at",
        6 => "order_type",
        _ => $"measure_{c:D2}",
    };

    private static void WriteModel(Utf8JsonWriter w, int m, Random random)
    {
        var name = ModelName(m);
        w.WriteStartObject(ModelId(m));
        w.WriteString("database", "analytics");
        w.WriteString("schema", "marts");
        w.WriteString("name", name);
        w.WriteString("resource_type", "model");
        w.WriteString("package_name", Project);
        w.WriteString("path", $"domain_{m % 50:D2}/{name}.sql");
        w.WriteString("original_file_path", $"models/domain_{m % 50:D2}/{name}.sql");
        w.WriteString("unique_id", ModelId(m));
        w.WriteStartArray("fqn");
        w.WriteStringValue(Project);
        w.WriteStringValue($"domain_{m % 50:D2}");
        w.WriteStringValue(name);
        w.WriteEndArray();
        w.WriteStartObject("config");
        w.WriteBoolean("enabled", true);
        w.WriteString("materialized", "table");
        w.WriteStartArray("tags");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("description", $"Synthetic model {m} for the Guardian benchmark, one row per entity.");
        w.WriteStartObject("columns");
        for (var c = 0; c < ColumnsPerModel; c++)
        {
            var column = ColumnName(m, c);
            w.WriteStartObject(column);
            w.WriteString("name", column);
            w.WriteString("description", $"Column {c} of {name}: a documented business attribute with a reasonably long description.");
            w.WriteStartObject("meta");
            w.WriteEndObject();
            w.WriteNull("data_type");
            w.WriteStartArray("constraints");
            w.WriteEndArray();
            w.WriteNull("quote");
            w.WriteStartArray("tags");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteString("patch_path", $"{Project}://models/domain_{m % 50:D2}/_domain.yml");
        var from = Parents(m) is [var upstream, ..] ? $"{{{{ ref('{ModelName(upstream)}') }}}}" : $"raw.entity_{m:D5}";
        var sql = $"with source as (select * from {from}) select " +
                  string.Join(", ", Enumerable.Range(0, ColumnsPerModel).Select(c => ColumnName(m, c))) + " from source";
        w.WriteString("raw_code", sql);
        w.WriteString("compiled_code", sql.Replace("{{", "", StringComparison.Ordinal) + new string(' ', random.Next(200, 800)));
        w.WriteStartObject("depends_on");
        w.WriteStartArray("macros");
        w.WriteEndArray();
        w.WriteStartArray("nodes");
        foreach (var parent in Parents(m))
        {
            w.WriteStringValue(ModelId(parent));
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("primary_key");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static int WriteTests(Utf8JsonWriter w, int m, Random random, int budget)
    {
        (string Test, string Column, (string, string)[] Args)[] tests =
        [
            ("unique", KeyColumn(m), []),
            ("not_null", KeyColumn(m), []),
            ("relationships", ColumnName(m, 1), [("to", $"ref('{ModelName((m + 7) % Models)}')"), ("field", ColumnName(m, 1))]),
            ("accepted_values", "status", []),
            ("not_null", $"measure_{random.Next(7, ColumnsPerModel):D2}", []),
        ];
        var count = Math.Min(budget, tests.Length);
        for (var i = 0; i < count; i++)
        {
            var (test, column, args) = tests[i];
            var name = $"{test}_{ModelName(m)}_{column}";
            var id = $"test.{Project}.{name}.{m:x5}{i}";
            w.WriteStartObject(id);
            w.WriteString("name", name);
            w.WriteString("resource_type", "test");
            w.WriteString("package_name", Project);
            w.WriteString("unique_id", id);
            w.WriteString("original_file_path", $"models/domain_{m % 50:D2}/_domain.yml");
            w.WriteStartObject("config");
            w.WriteBoolean("enabled", true);
            w.WriteString("severity", "ERROR");
            w.WriteString("fail_calc", "count(*)");
            w.WriteEndObject();
            w.WriteString("column_name", column);
            w.WriteString("attached_node", ModelId(m));
            w.WriteStartObject("depends_on");
            w.WriteStartArray("macros");
            w.WriteStringValue($"macro.dbt.test_{test}");
            w.WriteEndArray();
            w.WriteStartArray("nodes");
            w.WriteStringValue(ModelId(m));
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("test_metadata");
            w.WriteString("name", test);
            w.WriteNull("namespace");
            w.WriteStartObject("kwargs");
            w.WriteString("column_name", column);
            w.WriteString("model", $"{{{{ get_where_subquery(ref('{ModelName(m)}')) }}}}");
            foreach (var (key, value) in args)
            {
                w.WriteString(key, value);
            }
            if (test == "accepted_values")
            {
                w.WriteStartArray("values");
                foreach (var v in new[] { "placed", "shipped", "completed", "returned" })
                {
                    w.WriteStringValue(v);
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("raw_code", "{{ test_" + test + "(**_dbt_generic_test_kwargs) }}");
            w.WriteString("compiled_code", $"select {column} from analytics.marts.{ModelName(m)} where {column} is null" + new string(' ', 600));
            w.WriteEndObject();
        }
        return count;
    }

    private static void WriteMap(Utf8JsonWriter w, string name, Func<int, IEnumerable<int>> related)
    {
        w.WriteStartObject(name);
        for (var m = 0; m < Models; m++)
        {
            w.WriteStartArray(ModelId(m));
            foreach (var other in related(m))
            {
                w.WriteStringValue(ModelId(other));
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static IEnumerable<int> Children(int m) =>
        new[] { m + 1, m + 3 }.Where(c => c < Models && Parents(c).Contains(m));
}
