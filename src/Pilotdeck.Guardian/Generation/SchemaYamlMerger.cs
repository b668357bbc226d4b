using System.Text;
using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Generation;

/// <summary>
/// Adds tests to an existing schema.yml as a text edit: new lines are inserted at the right
/// place with the file's own indentation, so comments, key order, quoting and blank lines stay
/// exactly as they were. Tests already written in the file are not added again.
/// </summary>
internal static class SchemaYamlMerger
{
    public sealed record Result(string Text, int Added, IReadOnlyList<string> Warnings);

    public static Result Merge(string text, string path, string section, string model, IReadOnlyList<(string Column, IReadOnlyList<TestSpec> Tests)> columns, YamlDialect dialect)
    {
        var crlf = text.Contains("\r\n", StringComparison.Ordinal);
        var work = crlf ? text.Replace("\r\n", "\n", StringComparison.Ordinal) : text;
        var added = 0;
        var warnings = new List<string>();
        foreach (var (column, tests) in columns)
        {
            foreach (var test in tests)
            {
                var (next, outcome) = AddTest(work, section, model, column, test, dialect);
                if (outcome is { } problem)
                {
                    warnings.Add($"{path}: {problem}; add {test.Name} on {model}.{column} by hand.");
                    continue;
                }
                added += next.Length == work.Length ? 0 : 1;
                work = next;
            }
        }
        return new Result(crlf ? work.Replace("\n", "\r\n", StringComparison.Ordinal) : work, added, warnings);
    }

    private static (string Text, string? Problem) AddTest(string text, string section, string model, string column, TestSpec test, YamlDialect dialect)
    {
        var sb = new StringBuilder();
        var root = YamlOutline.Parse(text);
        if (root is null || root is YamlScalarNode { IsNull: true })
        {
            sb.Append("version: 2\n\n").Append(section).Append(":\n");
            SchemaYamlWriter.Model(sb, 2, model, [(column, [test])], dialect);
            return (text.TrimEnd() is { Length: > 0 } prefix ? prefix + "\n" + sb : sb.ToString(), null);
        }
        if (root is not YamlMappingNode { IsFlow: false } top)
        {
            return (text, "the file is not a YAML mapping");
        }

        var sectionEntry = top.Entry(section);
        if (sectionEntry is not { } entry)
        {
            sb.Append('\n').Append(section).Append(":\n");
            SchemaYamlWriter.Model(sb, 2, model, [(column, [test])], dialect);
            return (AppendAtEnd(text, sb.ToString()), null);
        }
        if (entry.Value is YamlScalarNode { IsNull: true })
        {
            SchemaYamlWriter.Model(sb, ColumnOf(text, entry.Key.Start) + 2, model, [(column, [test])], dialect);
            return (InsertAfterLine(text, entry.Key.ContentEnd, sb.ToString()), null);
        }
        if (entry.Value is not YamlSequenceNode { IsFlow: false } models)
        {
            return (text, $"'{section}:' is not a block list");
        }

        var modelNode = models.Items.OfType<YamlMappingNode>().FirstOrDefault(m => NameIs(m, model));
        if (modelNode is null)
        {
            SchemaYamlWriter.Model(sb, DashColumn(text, models), model, [(column, [test])], dialect);
            return (InsertAfterLine(text, models.ContentEnd, sb.ToString()), null);
        }
        if (modelNode.IsFlow)
        {
            return (text, $"model {model} is written in flow style");
        }

        var columnsEntry = modelNode.Entry("columns");
        if (columnsEntry is not { } cols)
        {
            var keyColumn = ColumnOf(text, modelNode.Start);
            sb.Append(' ', keyColumn).Append("columns:\n");
            SchemaYamlWriter.Column(sb, keyColumn + 2, column, [test], dialect);
            return (InsertAfterLine(text, modelNode.ContentEnd, sb.ToString()), null);
        }
        if (cols.Value is YamlScalarNode { IsNull: true })
        {
            SchemaYamlWriter.Column(sb, ColumnOf(text, cols.Key.Start) + 2, column, [test], dialect);
            return (InsertAfterLine(text, cols.Key.ContentEnd, sb.ToString()), null);
        }
        if (cols.Value is not YamlSequenceNode { IsFlow: false } columnList)
        {
            return (text, $"columns of {model} are not a block list");
        }

        var columnNode = columnList.Items.OfType<YamlMappingNode>().FirstOrDefault(c => NameIs(c, column));
        if (columnNode is null)
        {
            SchemaYamlWriter.Column(sb, DashColumn(text, columnList), column, [test], dialect);
            return (InsertAfterLine(text, columnList.ContentEnd, sb.ToString()), null);
        }
        if (columnNode.IsFlow)
        {
            return (text, $"column {model}.{column} is written in flow style");
        }

        // Keep whichever key the column already uses; dbt accepts both.
        var testsEntry = columnNode.Entry(dialect.TestsKey) ?? columnNode.Entry("data_tests") ?? columnNode.Entry("tests");
        if (testsEntry is not { } testsKv)
        {
            var keyColumn = ColumnOf(text, columnNode.Start);
            sb.Append(' ', keyColumn).Append(dialect.TestsKey).Append(":\n");
            SchemaYamlWriter.Test(sb, keyColumn + 2, test, dialect);
            return (InsertAfterLine(text, columnNode.ContentEnd, sb.ToString()), null);
        }
        if (testsKv.Value is YamlScalarNode { IsNull: true })
        {
            SchemaYamlWriter.Test(sb, ColumnOf(text, testsKv.Key.Start) + 2, test, dialect);
            return (InsertAfterLine(text, testsKv.Key.ContentEnd, sb.ToString()), null);
        }
        if (testsKv.Value is not YamlSequenceNode tests)
        {
            return (text, $"tests of {model}.{column} are not a list");
        }
        if (tests.Items.Any(t => TestNameOf(t) is { } name && string.Equals(name, test.Name, StringComparison.OrdinalIgnoreCase)))
        {
            return (text, null);
        }
        if (tests.IsFlow)
        {
            var close = text.IndexOf(']', tests.Items.Count > 0 ? tests.Items[^1].ContentEnd : tests.Start);
            var separator = tests.Items.Count > 0 ? ", " : "";
            return (text.Insert(close, separator + SchemaYamlWriter.FlowTest(test, dialect)), null);
        }
        SchemaYamlWriter.Test(sb, DashColumn(text, tests), test, dialect);
        return (InsertAfterLine(text, tests.ContentEnd, sb.ToString()), null);
    }

    private static bool NameIs(YamlMappingNode node, string name) =>
        node.Get("name") is YamlScalarNode scalar && ColumnName.Normalize(scalar.Value) == ColumnName.Normalize(name);

    private static string? TestNameOf(YamlNode test) => test switch
    {
        YamlScalarNode scalar => scalar.Value,
        YamlMappingNode { Entries.Count: > 0 } map => map.Entries[0].Key.Value == "name" && map.Get("test_name") is YamlScalarNode named
            ? named.Value
            : map.Entries[0].Key.Value,
        _ => null,
    };

    private static int LineStart(string text, int index) => index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    private static int ColumnOf(string text, int index) => index - LineStart(text, index);

    // The dash of a block list item sits before the item's content, on the same line.
    private static int DashColumn(string text, YamlSequenceNode sequence)
    {
        var first = sequence.Items[0].Start;
        var dash = text.LastIndexOf('-', Math.Max(0, first - 1));
        return dash >= LineStart(text, first) ? ColumnOf(text, dash) : ColumnOf(text, first);
    }

    private static string InsertAfterLine(string text, int contentEnd, string block)
    {
        var newline = text.IndexOf('\n', Math.Max(0, contentEnd - 1));
        if (newline < 0)
        {
            return text + "\n" + block;
        }
        return text.Insert(newline + 1, block);
    }

    private static string AppendAtEnd(string text, string block) =>
        text.Length == 0 || text.EndsWith('\n') ? text + block : text + "\n" + block;
}
