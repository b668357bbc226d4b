using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pilotdeck.Guardian.Generation;

/// <summary>A test to write under a column: its name and arguments.</summary>
/// <param name="Name">Generic test name, possibly namespaced (<c>dbt_utils.not_empty_string</c>).</param>
/// <param name="Arguments">Arguments; empty for <c>unique</c>/<c>not_null</c>.</param>
public sealed record TestSpec(string Name, IReadOnlyDictionary<string, object?> Arguments);

/// <summary>How the project spells tests, from the dbt version in the manifest.</summary>
/// <param name="TestsKey"><c>data_tests</c> for dbt ≥ 1.8, else <c>tests</c>.</param>
/// <param name="UseArgumentsBlock">True for dbt ≥ 1.10: test inputs nest under <c>arguments:</c>.</param>
public sealed record YamlDialect(string TestsKey, bool UseArgumentsBlock)
{
    /// <summary>
    /// The dialect for a dbt release. Unknown versions get the oldest form every dbt accepts
    /// (<c>tests:</c>, inputs inline): dbt &lt; 1.10 would read an <c>arguments:</c> block as an
    /// argument named "arguments"; a v12 manifest (dbt ≥ 1.8) still allows <c>data_tests</c>.
    /// </summary>
    public static YamlDialect For(Version? dbtRelease, int? schemaVersion = null) => dbtRelease switch
    {
        null when schemaVersion >= 12 => new YamlDialect("data_tests", false),
        null => new YamlDialect("tests", false),
        { Major: 0 } => new YamlDialect("tests", false),
        { Major: 1, Minor: < 8 } => new YamlDialect("tests", false),
        { Major: 1, Minor: < 10 } => new YamlDialect("data_tests", false),
        _ => new YamlDialect("data_tests", true),
    };
}

/// <summary>Renders schema.yml fragments at a given indentation.</summary>
internal static partial class SchemaYamlWriter
{
    /// <summary>Writes a list item for <paramref name="steps"/>[0] and, nested inside it, the remaining steps and the test.</summary>
    public static void Item(StringBuilder sb, int dash, IReadOnlyList<YamlStep> steps, TestSpec test, YamlDialect dialect)
    {
        Line(sb, dash, $"- name: {Scalar(steps[0].Name)}");
        if (steps.Count > 1)
        {
            Line(sb, dash + 2, $"{steps[1].ListKey}:");
            Item(sb, dash + 4, steps.Skip(1).ToArray(), test, dialect);
            return;
        }
        Line(sb, dash + 2, $"{dialect.TestsKey}:");
        Test(sb, dash + 4, test, dialect);
    }

    public static void Test(StringBuilder sb, int dash, TestSpec test, YamlDialect dialect)
    {
        if (test.Arguments.Count == 0)
        {
            Line(sb, dash, $"- {test.Name}");
            return;
        }
        Line(sb, dash, $"- {test.Name}:");
        var indent = dash + 4;
        if (dialect.UseArgumentsBlock)
        {
            Line(sb, indent, "arguments:");
            indent += 2;
        }
        foreach (var (key, value) in test.Arguments.OrderBy(a => ArgumentOrder(a.Key)).ThenBy(a => a.Key, StringComparer.Ordinal))
        {
            Line(sb, indent, $"{key}: {Value(value)}");
        }
    }

    /// <summary>An incomplete test as comments: what to fill in, where it goes, and the test to uncomment.</summary>
    public static void Commented(StringBuilder sb, string location, TestSpec test, string fillIn, YamlDialect dialect)
    {
        var block = new StringBuilder();
        Test(block, 1, test, dialect);
        sb.Append("# ").Append(location).Append(": fill in ").Append(fillIn).Append(", then move under its ")
            .Append(dialect.TestsKey).Append(": and uncomment\n");
        foreach (var line in block.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append('#').Append(line).Append('\n');
        }
    }

    /// <summary>A single-line flow form, for inserting into <c>[unique, not_null]</c> style lists.</summary>
    public static string FlowTest(TestSpec test, YamlDialect dialect)
    {
        if (test.Arguments.Count == 0)
        {
            return test.Name;
        }
        var args = string.Join(", ", test.Arguments.OrderBy(a => ArgumentOrder(a.Key)).Select(a => $"{a.Key}: {Value(a.Value)}"));
        return dialect.UseArgumentsBlock ? $"{{{test.Name}: {{arguments: {{{args}}}}}}}" : $"{{{test.Name}: {{{args}}}}}";
    }

    // `to` before `field` reads like the sentence it encodes.
    private static int ArgumentOrder(string key) => key switch
    {
        "to" => 0,
        "field" => 1,
        "values" => 2,
        _ => 3,
    };

    private static void Line(StringBuilder sb, int indent, string text) =>
        sb.Append(' ', indent).Append(text).Append('\n');

    private static string Value(object? value) => value switch
    {
        null => "null",
        string s => Scalar(s),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Text.Json.JsonElement e => Value(JsonElementValue(e)),
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(v => v is string s ? Quote(s) : Value(v))) + "]",
        IDictionary<string, object?> map => "{" + string.Join(", ", map.Select(p => $"{p.Key}: {Value(p.Value)}")) + "}",
        _ => Scalar(value.ToString() ?? ""),
    };

    private static object? JsonElementValue(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => e.GetString(),
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        System.Text.Json.JsonValueKind.Array => e.EnumerateArray().Select(JsonElementValue).ToList(),
        System.Text.Json.JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => JsonElementValue(p.Value)),
        _ => null,
    };

    /// <summary>Plain when YAML would read it back as the same string, else single-quoted.</summary>
    public static string Scalar(string s) =>
        PlainSafe().IsMatch(s) && !IsReserved(s) ? s : Quote(s);

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static bool IsReserved(string s) =>
        s.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "~" ||
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_ .()'$-]*(?<![ ])$")]
    private static partial Regex PlainSafe();
}
