using System.Text;
using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Generation;

/// <summary>One step from the top of a property file down to where tests go: a list key and the name of an item in it.</summary>
/// <param name="ListKey"><c>models</c>, <c>sources</c>, <c>tables</c> or <c>columns</c>.</param>
/// <param name="Name">The <c>name:</c> of the item.</param>
public sealed record YamlStep(string ListKey, string Name);

/// <summary>
/// Adds tests to an existing property file as a text edit: new lines are inserted at the right
/// place with the file's own indentation, so comments, key order, quoting and blank lines stay
/// exactly as they were. Tests already written in the file are not added again. The same walk
/// serves models (<c>models → name</c>), sources (<c>sources → name → tables → name</c>), and
/// either with a column step (column tests) or without (model-level tests).
/// </summary>
internal static class SchemaYamlMerger
{
    public sealed record Result(string Text, int Added, IReadOnlyList<string> Warnings);

    public static Result Merge(string text, string path, IReadOnlyList<(IReadOnlyList<YamlStep> Steps, TestSpec Test)> tests, YamlDialect dialect)
    {
        var crlf = text.Contains("\r\n", StringComparison.Ordinal);
        var work = crlf ? text.Replace("\r\n", "\n", StringComparison.Ordinal) : text;
        var added = 0;
        var warnings = new List<string>();
        foreach (var (steps, test) in tests)
        {
            var (next, problem) = AddTest(work, steps, test, dialect);
            if (problem is not null)
            {
                warnings.Add($"{path}: {problem}; add {test.Name} on {string.Join(".", steps.Select(s => s.Name))} by hand.");
                continue;
            }
            added += next.Length == work.Length ? 0 : 1;
            work = next;
        }
        return new Result(crlf ? work.Replace("\n", "\r\n", StringComparison.Ordinal) : work, added, warnings);
    }

    private static (string Text, string? Problem) AddTest(string text, IReadOnlyList<YamlStep> steps, TestSpec test, YamlDialect dialect)
    {
        var sb = new StringBuilder();
        var root = YamlOutline.Parse(text);
        if (root is null || root is YamlScalarNode { IsNull: true })
        {
            sb.Append("version: 2\n\n").Append(steps[0].ListKey).Append(":\n");
            SchemaYamlWriter.Item(sb, 2, steps, test, dialect);
            return (text.TrimEnd() is { Length: > 0 } prefix ? prefix + "\n" + sb : sb.ToString(), null);
        }
        if (root is not YamlMappingNode { IsFlow: false } node)
        {
            return (text, "the file is not a YAML mapping");
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var rest = steps.Skip(i).ToArray();
            var listKey = steps[i].ListKey;
            if (node.Entry(listKey) is not { } entry)
            {
                var keyColumn = node == root ? 0 : ColumnOf(text, node.Start);
                sb.Append(node == root ? "\n" : "").Append(' ', keyColumn).Append(listKey).Append(":\n");
                SchemaYamlWriter.Item(sb, keyColumn + 2, rest, test, dialect);
                return (node == root ? AppendAtEnd(text, sb.ToString()) : InsertAfterLine(text, node.ContentEnd, sb.ToString()), null);
            }
            if (entry.Value is YamlScalarNode { IsNull: true })
            {
                SchemaYamlWriter.Item(sb, ColumnOf(text, entry.Key.Start) + 2, rest, test, dialect);
                return (InsertAfterLine(text, entry.Key.ContentEnd, sb.ToString()), null);
            }
            if (entry.Value is not YamlSequenceNode { IsFlow: false } list)
            {
                return (text, $"'{listKey}:' is not a block list");
            }
            var item = list.Items.OfType<YamlMappingNode>().FirstOrDefault(m => NameIs(m, steps[i].Name));
            if (item is null)
            {
                SchemaYamlWriter.Item(sb, DashColumn(text, list), rest, test, dialect);
                return (InsertAfterLine(text, list.ContentEnd, sb.ToString()), null);
            }
            if (item.IsFlow)
            {
                return (text, $"{steps[i].Name} is written in flow style");
            }
            node = item;
        }
        return AddToTests(text, node, test, dialect);
    }

    private static (string Text, string? Problem) AddToTests(string text, YamlMappingNode owner, TestSpec test, YamlDialect dialect)
    {
        var sb = new StringBuilder();
        // Keep whichever key the entry already uses; dbt accepts both.
        var testsEntry = owner.Entry(dialect.TestsKey) ?? owner.Entry("data_tests") ?? owner.Entry("tests");
        if (testsEntry is not { } testsKv)
        {
            var keyColumn = ColumnOf(text, owner.Start);
            sb.Append(' ', keyColumn).Append(dialect.TestsKey).Append(":\n");
            SchemaYamlWriter.Test(sb, keyColumn + 2, test, dialect);
            return (InsertAfterLine(text, owner.ContentEnd, sb.ToString()), null);
        }
        if (testsKv.Value is YamlScalarNode { IsNull: true })
        {
            SchemaYamlWriter.Test(sb, ColumnOf(text, testsKv.Key.Start) + 2, test, dialect);
            return (InsertAfterLine(text, testsKv.Key.ContentEnd, sb.ToString()), null);
        }
        if (testsKv.Value is not YamlSequenceNode tests)
        {
            return (text, "its tests are not a list");
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
