using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Generation;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Gaps;

/// <summary>
/// The rules of a correct suggestion, checked on every real manifest against facts read straight
/// from the JSON here (not through Guardian's reader): no unique on a composite-key member, no
/// relationship into the model's own downstream, no active placeholder in the generated YAML.
/// </summary>
public sealed partial class SuggestionInvariantTests
{
    [Theory]
    [MemberData(nameof(Fixtures.AllManifests), MemberType = typeof(Fixtures))]
    public async Task Analyze_EveryJaffleShopManifest_SuggestsNothingTheRulesForbid(string manifest)
    {
        var project = await Fixtures.ReadAsync(manifest);
        var analysis = GuardianAnalyzer.Analyze(project, new GuardianOptions { IncludePackages = true });
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Fixtures.Manifest(manifest)));
        var facts = ManifestFacts.From(json.RootElement);

        foreach (var gap in analysis.Gaps)
        {
            if (gap.Test == "unique")
            {
                Assert.DoesNotContain(gap.Column.ToLowerInvariant(), facts.CompositeKeyMembers.GetValueOrDefault(gap.ModelId, []));
            }
            if (gap.Test == "relationships" && gap.IsComplete && RefName().Match((string)gap.Arguments["to"]!) is { Success: true } match)
            {
                var target = facts.ModelIdsByName[match.Groups[1].Value];
                Assert.NotEqual(gap.ModelId, target);
                Assert.DoesNotContain(target, facts.Downstream(gap.ModelId));
            }
        }
        var files = TestGenerator.Generate(project, analysis.Gaps, 5, new NoFiles()).Files;
        Assert.All(files.SelectMany(f => f.Content.Split('\n')).Where(l => !l.TrimStart().StartsWith('#')),
            l => Assert.False(l.Contains("TODO", StringComparison.Ordinal) || l.Contains("FILL_IN", StringComparison.Ordinal), l));
    }

    private sealed class NoFiles : IProjectFiles
    {
        public string? ReadText(string relativePath) => null;
    }

    private sealed class ManifestFacts
    {
        public Dictionary<string, HashSet<string>> CompositeKeyMembers { get; } = [];

        public Dictionary<string, string> ModelIdsByName { get; } = [];

        private readonly Dictionary<string, List<string>> _children = [];

        public static ManifestFacts From(JsonElement root)
        {
            var facts = new ManifestFacts();
            foreach (var node in root.GetProperty("nodes").EnumerateObject().Select(p => p.Value))
            {
                var id = node.GetProperty("unique_id").GetString()!;
                var type = node.GetProperty("resource_type").GetString();
                var parents = node.TryGetProperty("depends_on", out var dependsOn) && dependsOn.TryGetProperty("nodes", out var nodes)
                    ? nodes.EnumerateArray().Select(p => p.GetString()!).ToList()
                    : [];
                foreach (var parent in parents)
                {
                    (facts._children.TryGetValue(parent, out var list) ? list : facts._children[parent] = []).Add(id);
                }
                if (type == "model")
                {
                    facts.ModelIdsByName.TryAdd(node.GetProperty("name").GetString()!, id);
                }
                if (type == "test" && node.TryGetProperty("test_metadata", out var meta) && meta.ValueKind == JsonValueKind.Object &&
                    meta.GetProperty("name").GetString() is "unique_combination_of_columns" or "expect_compound_columns_to_be_unique")
                {
                    var kwargs = meta.GetProperty("kwargs");
                    var columns = kwargs.TryGetProperty("combination_of_columns", out var c) ? c : kwargs.TryGetProperty("column_list", out var l) ? l : default;
                    var owner = node.TryGetProperty("attached_node", out var a) && a.ValueKind == JsonValueKind.String
                        ? a.GetString()!
                        : parents[^1];
                    if (columns.ValueKind == JsonValueKind.Array)
                    {
                        facts.CompositeKeyMembers[owner] = columns.EnumerateArray().Select(x => x.GetString()!.ToLowerInvariant()).ToHashSet();
                    }
                }
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
    }

    [GeneratedRegex(@"ref\('([^']+)'\)")]
    private static partial Regex RefName();
}
