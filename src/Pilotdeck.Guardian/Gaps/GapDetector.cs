using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Coverage;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>Finds missing tests on models and sources and ranks them.</summary>
public static class GapDetector
{
    private enum ColumnClass { PrimaryKey, ForeignKey, AcceptedValues, Timestamp, Other }

    private sealed record Suggestion(string Test, IReadOnlyDictionary<string, object?> Arguments, string Rationale, string? LearnedFrom = null, string? FillIn = null);

    private sealed record Context(DbtProject Project, Dictionary<string, KeyEvidence> Keys, ReferenceResolver References, LearnedTests Learned);

    private static readonly IReadOnlyDictionary<string, object?> NoArguments = new Dictionary<string, object?>();

    /// <summary>Prefix of the argument values an engineer must replace in an incomplete suggestion (only ever written commented out).</summary>
    public const string FillIn = "FILL_IN_";

    /// <summary>Returns the gaps of the models and sources in <paramref name="scope"/>, best first, down to <see cref="GuardianOptions.Priority"/>.</summary>
    /// <param name="project">The whole project (foreign keys may point outside the scope).</param>
    /// <param name="scope">Resources to look for gaps in; models and sources are considered.</param>
    /// <param name="options">Rules, ignores and the priority threshold.</param>
    public static IReadOnlyList<Gap> Detect(DbtProject project, IReadOnlyList<DbtResource> scope, GuardianOptions options)
    {
        var candidates = project.Resources.Where(r => r.ResourceType is DbtResourceType.Model or DbtResourceType.Source).ToArray();
        var keys = PrimaryKeyFinder.Find(candidates, options.Rules.PrimaryKey);
        var lineage = new Lineage(project.Resources);
        var references = new ReferenceResolver(candidates.Where(r => r.ResourceType == DbtResourceType.Model), keys, lineage);
        var context = new Context(project, keys, references, new LearnedTests(project, scope, keys, lineage, references));

        var gaps = new List<(Gap Gap, int Order)>();
        foreach (var resource in scope.Where(r => r.ResourceType is DbtResourceType.Model or DbtResourceType.Source))
        {
            if (!options.Ignore.Models.Any(p => Glob.IsMatch(p, resource.Name)))
            {
                gaps.AddRange(ResourceGaps(resource, context, options));
            }
        }
        return gaps
            .OrderBy(g => g.Gap.Priority)
            .ThenBy(g => g.Gap.Model, StringComparer.Ordinal)
            .ThenBy(g => g.Gap.ModelId, StringComparer.Ordinal)
            .ThenBy(g => g.Order)
            .Select(g => g.Gap)
            .ToArray();
    }

    /// <summary>How gaps name a resource: the model name, or <c>source.table</c>.</summary>
    public static string DisplayName(DbtResource resource) =>
        resource.ResourceType == DbtResourceType.Source && resource.SourceName is { } source ? $"{source}.{resource.Name}" : resource.Name;

    private static IEnumerable<(Gap, int)> ResourceGaps(DbtResource resource, Context context, GuardianOptions options)
    {
        var key = context.Keys[resource.UniqueId];
        var name = DisplayName(resource);
        if (key.IsComposite && options.Rules.PrimaryKey.Enabled && options.Rules.PrimaryKey.Priority <= options.Priority &&
            !resource.Tests.Any(CoverageCalculator.IsCombinationUnique))
        {
            var s = CompositeKeyTest.Suggest(resource, key, context.Project.InstalledPackages);
            yield return (new Gap(resource.UniqueId, name, string.Join(", ", key.Columns), s.Test, s.Arguments,
                options.Rules.PrimaryKey.Priority, "primary_key", s.Rationale, FillIn: s.FillIn, ModelLevel: true), -1);
        }
        for (var order = 0; order < resource.Columns.Count; order++)
        {
            var column = resource.Columns[order];
            if (options.Ignore.Columns.Any(p => Glob.IsMatch(p, column.Key) || Glob.IsMatch(p, $"{resource.Name}.{column.Key}")))
            {
                continue;
            }
            var isPrimaryKey = key.Columns.Contains(column.Key);
            var (cls, rule) = Classify(column, isPrimaryKey, resource.ResourceType, options.Rules);
            if (rule is null || rule.Priority > options.Priority)
            {
                continue;
            }
            foreach (var s in Suggestions(resource, column, cls, key, isPrimaryKey, context).Where(s => !HasTest(column, s.Test)))
            {
                var rationale = s.LearnedFrom is null ? s.Rationale : $"{s.Rationale}, as in model {s.LearnedFrom}";
                yield return (new Gap(resource.UniqueId, name, column.Name, s.Test, s.Arguments, rule.Priority, RuleName(cls), rationale, s.LearnedFrom, s.FillIn), order);
            }
        }
    }

    private static List<Suggestion> Suggestions(DbtResource resource, DbtColumn column, ColumnClass cls, KeyEvidence key, bool isPrimaryKey, Context context)
    {
        var suggestions = BuiltIn(resource, column, cls, key, context.References);
        foreach (var learned in context.Learned.For(resource, column, isPrimaryKey))
        {
            // A pattern the project already uses beats a built-in guess for the same test.
            var index = suggestions.FindIndex(s => s.Test == learned.Test);
            var rationale = $"the project tests {column.Name} with {learned.Test}";
            if (index < 0)
            {
                suggestions.Add(new Suggestion(learned.Test, learned.Arguments, rationale, learned.Model.Name));
            }
            else if (suggestions[index].LearnedFrom is null)
            {
                suggestions[index] = new Suggestion(learned.Test, learned.Arguments, suggestions[index].FillIn is null ? suggestions[index].Rationale : rationale, learned.Model.Name);
            }
        }
        return suggestions;
    }

    private static List<Suggestion> BuiltIn(DbtResource resource, DbtColumn column, ColumnClass cls, KeyEvidence key, ReferenceResolver references)
    {
        var name = DisplayName(resource);
        switch (cls)
        {
            case ColumnClass.PrimaryKey when key.IsComposite:
                // A member of a composite key repeats by design; only the combination is unique.
                return [new("not_null", NoArguments, $"{column.Name} is part of the composite key ({string.Join(", ", key.Columns)}) of {name} ({key.Reason}); a missing part breaks joins on the key")];
            case ColumnClass.PrimaryKey:
                var why = $"{column.Name} is the primary key of {name} ({key.Reason}); duplicate or missing keys break every join on it";
                return [new("unique", NoArguments, why), new("not_null", NoArguments, why)];
            case ColumnClass.ForeignKey:
                return references.Resolve(resource, column.Key) is { } t
                    ? [new("relationships", new Dictionary<string, object?> { ["to"] = $"ref('{t.Model.Name}')", ["field"] = t.Field },
                        $"{column.Name} references {t.Model.Name}.{t.Field}; relationships catches orphaned rows")]
                    : [new("relationships", new Dictionary<string, object?> { ["to"] = $"ref('{FillIn}model_owning_{column.Key}')", ["field"] = $"{FillIn}its_key_column" },
                        $"{column.Name} looks like a foreign key but no upstream model has it as primary key",
                        FillIn: $"`to` (the model that owns {column.Name} as its primary key) and `field`")];
            case ColumnClass.AcceptedValues:
                return [new("accepted_values", new Dictionary<string, object?> { ["values"] = new List<object?> { $"{FillIn}value" } },
                    $"{column.Name} looks like a status/type/category column; accepted_values catches unexpected values",
                    FillIn: $"`values` (every value {column.Name} may hold)")];
            case ColumnClass.Timestamp:
                return [new("not_null", NoArguments, $"{column.Name} is a timestamp{(column.DataType is null ? "" : $" ({column.DataType})")}; not_null catches rows that lost their time")];
            default:
                return column.Tests.Count == 0 ? [new("not_null", NoArguments, $"{column.Name} has no tests")] : [];
        }
    }

    private static (ColumnClass, GapRule?) Classify(DbtColumn column, bool isPrimaryKey, DbtResourceType type, GapRuleSet rules)
    {
        if (isPrimaryKey)
        {
            return (ColumnClass.PrimaryKey, rules.PrimaryKey.Enabled ? rules.PrimaryKey : null);
        }
        // A source comes before every model, so a relationship from it to a model would point downstream;
        // its foreign keys fall through to the other rules.
        if (rules.ForeignKey.Enabled && type != DbtResourceType.Source && Matches(rules.ForeignKey.Patterns, column.Key))
        {
            return (ColumnClass.ForeignKey, rules.ForeignKey);
        }
        if (rules.AcceptedValues.Enabled && Matches(rules.AcceptedValues.Patterns, column.Key))
        {
            return (ColumnClass.AcceptedValues, rules.AcceptedValues);
        }
        if (rules.Timestamp.Enabled &&
            (Matches(rules.Timestamp.Patterns, column.Key) || (column.DataType is { } dataType && Matches(rules.Timestamp.Types, dataType))))
        {
            return (ColumnClass.Timestamp, rules.Timestamp);
        }
        return rules.Other.Enabled && Matches(rules.Other.Patterns, column.Key) ? (ColumnClass.Other, rules.Other) : (ColumnClass.Other, null);
    }

    private static bool Matches(List<string> patterns, string value) => patterns.Any(p => Glob.IsMatch(p, value));

    private static string RuleName(ColumnClass cls) => cls switch
    {
        ColumnClass.PrimaryKey => "primary_key",
        ColumnClass.ForeignKey => "foreign_key",
        ColumnClass.AcceptedValues => "accepted_values",
        ColumnClass.Timestamp => "timestamp",
        _ => "other",
    };

    private static bool HasTest(DbtColumn column, string test) =>
        column.Tests.Any(t => t.QualifiedName == test);
}
