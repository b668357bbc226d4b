using System.Text.Json;

namespace Pilotdeck.Guardian.Tests.TestSupport;

/// <summary>
/// Facts read straight from manifest.json (and catalog.json) with System.Text.Json, not through
/// Guardian's reader: the independent side of the figure and suggestion checks.
/// </summary>
internal sealed class ManifestFacts
{
    private readonly Dictionary<string, List<string>> _children = [];

    /// <summary>Columns of each model and key owner that repeat by design: members of a key of several columns.</summary>
    public Dictionary<string, HashSet<string>> CompositeKeyMembers { get; } = [];

    public Dictionary<string, string> ModelIdsByName { get; } = [];

    /// <summary>Enabled models and their columns (declared ∪ catalog, normalized).</summary>
    public Dictionary<string, HashSet<string>> ModelColumns { get; } = [];

    /// <summary>Enabled data tests: the models they check and the columns they name.</summary>
    public List<(string[] Models, string[] Columns, string? Expression)> Tests { get; } = [];

    public static string Normalize(string column) => column.Trim().Trim('"', '`', '[', ']').ToLowerInvariant();

    public static ManifestFacts From(JsonElement manifest, JsonElement? catalog = null)
    {
        var facts = new ManifestFacts();
        var nodes = manifest.GetProperty("nodes").EnumerateObject().Select(p => p.Value).ToArray();
        foreach (var node in nodes)
        {
            var id = node.GetProperty("unique_id").GetString()!;
            foreach (var parent in Parents(node))
            {
                (facts._children.TryGetValue(parent, out var list) ? list : facts._children[parent] = []).Add(id);
            }
            if (node.GetProperty("resource_type").GetString() == "model" && Enabled(node))
            {
                facts.ModelIdsByName.TryAdd(node.GetProperty("name").GetString()!, id);
                facts.ModelColumns[id] = Names(node, "columns");
                facts.AddDeclaredKeys(id, node);
            }
        }
        if (catalog is { } c && c.TryGetProperty("nodes", out var tables))
        {
            var matching = tables.EnumerateObject().Where(t => facts.ModelColumns.ContainsKey(t.Name)).ToArray();
            // A catalog of another project (none of its tables in the manifest) is ignored, as the docs say.
            foreach (var table in matching)
            {
                facts.ModelColumns[table.Name].UnionWith(Names(table.Value, "columns"));
            }
        }
        foreach (var node in nodes.Where(n => n.GetProperty("resource_type").GetString() == "test" && Enabled(n)))
        {
            facts.AddTest(node);
        }
        return facts;
    }

    public HashSet<string> Downstream(string id)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>([id]);
        while (stack.TryPop(out var next))
        {
            foreach (var child in _children.GetValueOrDefault(next, []))
            {
                if (seen.Add(child))
                {
                    stack.Push(child);
                }
            }
        }
        return seen;
    }

    private void AddDeclaredKeys(string id, JsonElement node)
    {
        var keys = new List<string[]>();
        if (node.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object &&
            config.TryGetProperty("unique_key", out var uniqueKey) && uniqueKey.ValueKind == JsonValueKind.Array)
        {
            keys.Add([.. uniqueKey.EnumerateArray().Select(k => k.GetString()!)]);
        }
        if (node.TryGetProperty("primary_key", out var primaryKey) && primaryKey.ValueKind == JsonValueKind.Array)
        {
            keys.Add([.. primaryKey.EnumerateArray().Select(k => k.GetString()!)]);
        }
        if (node.TryGetProperty("constraints", out var constraints) && constraints.ValueKind == JsonValueKind.Array)
        {
            keys.AddRange(constraints.EnumerateArray()
                .Where(k => k.TryGetProperty("type", out var t) && t.GetString() == "primary_key" && k.TryGetProperty("columns", out _))
                .Select(k => k.GetProperty("columns").EnumerateArray().Select(x => x.GetString()!).ToArray()));
        }
        foreach (var key in keys.Where(k => k.Length > 1))
        {
            AddComposite(id, key);
        }
    }

    private void AddTest(JsonElement node)
    {
        var attached = node.TryGetProperty("attached_node", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        var parents = Parents(node).Where(ModelColumns.ContainsKey).ToArray();
        var meta = node.TryGetProperty("test_metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : (JsonElement?)null;
        // Documented ownership: attached_node; without it a generic test on two models (relationships)
        // belongs to the last one, a singular test to every model it reads.
        string[] models = attached is not null ? (ModelColumns.ContainsKey(attached) ? [attached] : [])
            : parents.Length <= 1 || meta is null ? parents : [parents[^1]];
        var columns = new List<string>();
        string? expression = null;
        if (node.TryGetProperty("column_name", out var top) && top.ValueKind == JsonValueKind.String)
        {
            columns.Add(top.GetString()!);
        }
        if (meta is { } test && test.TryGetProperty("kwargs", out var kwargs) && kwargs.ValueKind == JsonValueKind.Object)
        {
            foreach (var argument in kwargs.EnumerateObject())
            {
                if (argument.Name is "column_name" or "column_A" or "column_B" or "lower_bound_column" or "upper_bound_column" or "field" &&
                    argument.Value.ValueKind == JsonValueKind.String)
                {
                    columns.Add(argument.Value.GetString()!);
                }
                else if (argument.Name is "combination_of_columns" or "column_list" && argument.Value.ValueKind == JsonValueKind.Array)
                {
                    var members = argument.Value.EnumerateArray().Select(x => x.GetString()!).ToArray();
                    columns.AddRange(members);
                    foreach (var owner in models.Where(_ => members.Length > 1))
                    {
                        AddComposite(owner, members);
                    }
                }
                else if (argument.Name == "expression" && argument.Value.ValueKind == JsonValueKind.String)
                {
                    expression = argument.Value.GetString();
                }
            }
        }
        Tests.Add((models, [.. columns.Select(Normalize).Distinct()], expression));
    }

    private void AddComposite(string owner, IEnumerable<string> members) =>
        (CompositeKeyMembers.TryGetValue(owner, out var set) ? set : CompositeKeyMembers[owner] = []).UnionWith(members.Select(Normalize));

    private static bool Enabled(JsonElement node) =>
        !(node.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object &&
          config.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.False);

    private static IEnumerable<string> Parents(JsonElement node) =>
        node.TryGetProperty("depends_on", out var dependsOn) && dependsOn.TryGetProperty("nodes", out var parents)
            ? parents.EnumerateArray().Select(p => p.GetString()!)
            : [];

    private static HashSet<string> Names(JsonElement node, string property) =>
        node.TryGetProperty(property, out var columns) && columns.ValueKind == JsonValueKind.Object
            ? columns.EnumerateObject().Select(c => Normalize(c.Value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : c.Name)).ToHashSet()
            : [];
}
