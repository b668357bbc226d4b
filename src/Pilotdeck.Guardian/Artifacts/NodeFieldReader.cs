using System.Text.Json;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>Readers for the fields of one manifest node; each is lenient about shapes that changed across schema versions.</summary>
internal static class NodeFieldReader
{
    /// <summary>The parts of a node's <c>config</c> Guardian uses.</summary>
    public sealed record NodeConfig(bool Enabled, string? Materialized, List<string> UniqueKey);

    public static NodeConfig ReadConfig(ref Utf8JsonReader reader)
    {
        var config = new NodeConfig(true, null, []);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return config;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("enabled"u8)) config = config with { Enabled = JsonValues.ReadBool(ref reader) ?? true };
            else if (reader.ValueTextEquals("materialized"u8)) config = config with { Materialized = JsonValues.ReadString(ref reader) };
            else if (reader.ValueTextEquals("unique_key"u8)) config = config with { UniqueKey = JsonValues.ReadStringOrList(ref reader) };
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return config;
    }

    public static List<string> ReadDependsOn(ref Utf8JsonReader reader)
    {
        var nodes = new List<string>();
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return nodes;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("nodes"u8))
            {
                nodes = JsonValues.ReadStringOrList(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return nodes;
    }

    public static List<(string, string?, bool)> ReadColumns(ref Utf8JsonReader reader)
    {
        var columns = new List<(string, string?, bool)>();
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return columns;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                columns.Add((key, null, false));
                continue;
            }
            string? name = null, dataType = null;
            var isPrimaryKey = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8)) name = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("data_type"u8)) dataType = JsonValues.ReadString(ref reader);
                else if (reader.ValueTextEquals("constraints"u8)) isPrimaryKey = ReadConstraintTypes(ref reader).Contains("primary_key");
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            columns.Add((name ?? key, dataType, isPrimaryKey));
        }
        return columns;
    }

    private static List<string> ReadConstraintTypes(ref Utf8JsonReader reader)
    {
        var types = new List<string>();
        if (JsonValues.ReadAny(ref reader) is List<object?> list)
        {
            types.AddRange(list.OfType<Dictionary<string, object?>>().Select(c => c.GetValueOrDefault("type") as string).OfType<string>());
        }
        return types;
    }

    public static List<string> ReadPrimaryKeyConstraint(ref Utf8JsonReader reader)
    {
        var columns = new List<string>();
        if (JsonValues.ReadAny(ref reader) is List<object?> list)
        {
            foreach (var constraint in list.OfType<Dictionary<string, object?>>())
            {
                if (constraint.GetValueOrDefault("type") as string == "primary_key" && constraint.GetValueOrDefault("columns") is List<object?> cols)
                {
                    columns.AddRange(cols.OfType<string>());
                }
            }
        }
        return columns;
    }

    public static (string?, string?, Dictionary<string, object?>?) ReadTestMetadata(ref Utf8JsonReader reader)
    {
        if (JsonValues.ReadAny(ref reader) is not Dictionary<string, object?> metadata)
        {
            return (null, null, null);
        }
        var kwargs = metadata.GetValueOrDefault("kwargs") as Dictionary<string, object?> ?? [];
        // dbt ≥ 1.10 lets YAML nest test inputs under `arguments:`; flatten so both forms look alike.
        if (kwargs.GetValueOrDefault("arguments") is Dictionary<string, object?> arguments)
        {
            kwargs.Remove("arguments");
            foreach (var (key, value) in arguments)
            {
                kwargs.TryAdd(key, value);
            }
        }
        return (metadata.GetValueOrDefault("name") as string, metadata.GetValueOrDefault("namespace") as string, kwargs);
    }

    public static DbtTest BuildTest(string uniqueId, string? testName, string? testNamespace, Dictionary<string, object?>? kwargs, string? topColumnName)
    {
        var columns = new List<string>();
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (kwargs is not null)
        {
            foreach (var (key, value) in kwargs)
            {
                switch (key)
                {
                    case "model":
                        break;
                    case "column_name":
                    case "combination_of_columns":
                    case "column_list":
                        AddColumns(columns, value);
                        break;
                    // Package tests that name the tested model's columns under their own keys
                    // (dbt_expectations column pairs, dbt_utils.mutually_exclusive_ranges, dbt_utils.recency).
                    case "column_A" or "column_B" or "lower_bound_column" or "upper_bound_column":
                    case "field" when testName == "recency":
                        AddColumns(columns, value);
                        arguments[key] = value;
                        break;
                    default:
                        arguments[key] = value;
                        break;
                }
            }
        }
        if (columns.Count == 0 && topColumnName is not null && testName is not null)
        {
            columns.Add(topColumnName);
        }
        return new DbtTest
        {
            UniqueId = uniqueId,
            TestName = testName,
            Namespace = testNamespace,
            Columns = columns.Select(ColumnName.Normalize).Distinct().ToArray(),
            Arguments = arguments,
        };
    }

    private static void AddColumns(List<string> columns, object? value)
    {
        switch (value)
        {
            case string s:
                columns.Add(s);
                break;
            case List<object?> list:
                columns.AddRange(list.OfType<string>());
                break;
        }
    }
}
