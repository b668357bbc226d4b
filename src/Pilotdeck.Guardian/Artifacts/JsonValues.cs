using System.Text.Json;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>
/// Lenient accessors over a positioned <see cref="Utf8JsonReader"/>: a value of an unexpected
/// JSON type reads as absent instead of failing, because dbt changed field shapes across
/// schema versions (refs, column_name) and Fusion adds its own.
/// </summary>
internal static class JsonValues
{
    /// <summary>Reads the value after a property name as a string; null for any other token (which is skipped).</summary>
    public static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }
        reader.Skip();
        return null;
    }

    /// <summary>Reads a boolean; null for anything else.</summary>
    public static bool? ReadBool(ref Utf8JsonReader reader)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            default:
                reader.Skip();
                return null;
        }
    }

    /// <summary>Reads a string or an array of strings (dbt accepts both for column_name and similar).</summary>
    public static List<string> ReadStringOrList(ref Utf8JsonReader reader)
    {
        var list = new List<string>();
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            list.Add(reader.GetString()!);
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    list.Add(reader.GetString()!);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        else
        {
            reader.Skip();
        }
        return list;
    }

    /// <summary>Reads the current value into plain CLR values: string, bool, long/double, null, List, Dictionary.</summary>
    public static object? ReadAny(ref Utf8JsonReader reader)
    {
        reader.Read();
        return Current(ref reader);
    }

    private static object? Current(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var l) ? l : reader.GetDouble();
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(Current(ref reader));
                }
                return list;
            case JsonTokenType.StartObject:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.GetString()!;
                    map[key] = ReadAny(ref reader);
                }
                return map;
            default:
                return null;
        }
    }
}
