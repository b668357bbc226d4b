using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Coverage;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>Finds missing tests on models and ranks them.</summary>
public static class GapDetector
{
    /// <summary>Placeholder written where Guardian cannot infer a value.</summary>
    public const string Todo = "TODO";

    private static readonly string[] LayerPrefixes = ["stg_", "int_", "dim_", "fct_", "fact_", "base_", "src_", "raw_", "mart_", "rpt_"];

    private enum ColumnClass { PrimaryKey, ForeignKey, AcceptedValues, Timestamp, Other }

    private sealed record Learned(string Test, IReadOnlyDictionary<string, object?> Arguments, string Model);

    /// <summary>Returns the gaps of the models in <paramref name="scope"/>, best first, down to <see cref="GuardianOptions.Priority"/>.</summary>
    /// <param name="project">The whole project (foreign keys may point outside the scope).</param>
    /// <param name="scope">Resources to look for gaps in; only models are considered.</param>
    /// <param name="options">Rules, ignores and the priority threshold.</param>
    public static IReadOnlyList<Gap> Detect(DbtProject project, IReadOnlyList<DbtResource> scope, GuardianOptions options)
    {
        var models = project.Resources.Where(r => r.ResourceType == DbtResourceType.Model).ToArray();
        var primaryKeys = PrimaryKeys(models, options.Rules.PrimaryKey);
        var byPrimaryKey = models
            .Where(m => primaryKeys[m.UniqueId].Columns.Count == 1)
            .ToLookup(m => primaryKeys[m.UniqueId].Columns[0], StringComparer.Ordinal);
        var byEntity = byPrimaryKey
            .SelectMany(g => g)
            .SelectMany(m => Entities(m.Name).Select(e => (Entity: e, Model: m)))
            .ToLookup(x => x.Entity, x => x.Model, StringComparer.Ordinal);
        var references = new References(byPrimaryKey, byEntity, primaryKeys);
        var learned = LearnPatterns(scope, primaryKeys);

        var gaps = new List<(Gap Gap, int Order)>();
        foreach (var model in scope.Where(r => r.ResourceType == DbtResourceType.Model))
        {
            if (options.Ignore.Models.Any(p => Glob.IsMatch(p, model.Name)))
            {
                continue;
            }
            var (pkColumns, pkReason) = primaryKeys[model.UniqueId];
            for (var order = 0; order < model.Columns.Count; order++)
            {
                var column = model.Columns[order];
                if (options.Ignore.Columns.Any(p => Glob.IsMatch(p, column.Key) || Glob.IsMatch(p, $"{model.Name}.{column.Key}")))
                {
                    continue;
                }
                var isPrimaryKey = pkColumns.Contains(column.Key);
                var (cls, rule) = Classify(column, isPrimaryKey, options.Rules);
                if (rule is null || rule.Priority > options.Priority)
                {
                    continue;
                }
                var suggestions = BuiltIn(model, column, cls, pkReason, references);
                foreach (var pattern in learned.GetValueOrDefault(column.Key, []))
                {
                    if (pattern.Model == model.Name || !IsLearnable(pattern, cls, model))
                    {
                        continue;
                    }
                    // A pattern the project already uses beats a built-in guess for the same test.
                    var index = suggestions.FindIndex(s => s.Test == pattern.Test);
                    if (index < 0)
                    {
                        suggestions.Add(new Suggestion(pattern.Test, pattern.Arguments, $"the project tests {column.Name} with {pattern.Test}", pattern.Model));
                    }
                    else if (suggestions[index].LearnedFrom is null)
                    {
                        suggestions[index] = suggestions[index] with { Arguments = pattern.Arguments, LearnedFrom = pattern.Model };
                    }
                }
                foreach (var s in suggestions)
                {
                    if (HasTest(column, s.Test))
                    {
                        continue;
                    }
                    var rationale = s.LearnedFrom is null ? s.Rationale : $"{s.Rationale}, as in model {s.LearnedFrom}";
                    gaps.Add((new Gap(model.UniqueId, model.Name, column.Name, s.Test, s.Arguments, rule.Priority, RuleName(cls), rationale, s.LearnedFrom), order));
                }
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

    private sealed record Suggestion(string Test, IReadOnlyDictionary<string, object?> Arguments, string Rationale, string? LearnedFrom = null);

    private sealed record References(
        ILookup<string, DbtResource> ByPrimaryKey,
        ILookup<string, DbtResource> ByEntity,
        Dictionary<string, (IReadOnlyList<string> Columns, string Reason)> PrimaryKeys);

    private static List<Suggestion> BuiltIn(DbtResource model, DbtColumn column, ColumnClass cls, string pkReason, References references)
    {
        var none = new Dictionary<string, object?>();
        switch (cls)
        {
            case ColumnClass.PrimaryKey:
                var why = $"{column.Name} is the primary key of {model.Name} ({pkReason}); duplicate or missing keys break every join on it";
                return [new("unique", none, why), new("not_null", none, why)];
            case ColumnClass.ForeignKey:
                var target = ResolveReference(model, column, references);
                return target is { } t
                    ? [new("relationships", new Dictionary<string, object?> { ["to"] = $"ref('{t.Model.Name}')", ["field"] = t.Field },
                        $"{column.Name} references {t.Model.Name}.{t.Field}; relationships catches orphaned rows")]
                    : [new("relationships", new Dictionary<string, object?> { ["to"] = $"ref('{Todo}')", ["field"] = Todo },
                        $"{column.Name} looks like a foreign key but no model has it as primary key; fill in to/field")];
            case ColumnClass.AcceptedValues:
                return [new("accepted_values", new Dictionary<string, object?> { ["values"] = new List<object?> { Todo } },
                    $"{column.Name} looks like a status/type/category column; accepted_values catches unexpected values (list them)")];
            case ColumnClass.Timestamp:
                return [new("not_null", none, $"{column.Name} is a timestamp{(column.DataType is null ? "" : $" ({column.DataType})")}; not_null catches rows that lost their time")];
            default:
                return column.Tests.Count == 0 ? [new("not_null", none, $"{column.Name} has no tests")] : [];
        }
    }

    private static (DbtResource Model, string Field)? ResolveReference(DbtResource model, DbtColumn column, References references)
    {
        var candidates = references.ByPrimaryKey[column.Key].Where(m => m.UniqueId != model.UniqueId).ToList();
        if (candidates.Count > 0)
        {
            return (Prefer(model, candidates), column.Key);
        }
        // customer_id → a model named customers/dim_customer whose key is plain `id`.
        var stem = column.Key.EndsWith("_id", StringComparison.Ordinal) ? column.Key[..^3] : null;
        if (stem is null)
        {
            return null;
        }
        // Only a plain `id` key is named after its entity; anything else would be a guess.
        var byEntity = references.ByEntity[stem]
            .Where(m => m.UniqueId != model.UniqueId && references.PrimaryKeys[m.UniqueId].Columns[0] == "id")
            .Distinct()
            .ToList();
        if (byEntity.Count == 0)
        {
            return null;
        }
        var chosen = Prefer(model, byEntity);
        return (chosen, references.PrimaryKeys[chosen.UniqueId].Columns[0]);
    }

    // Same folder first (marts reference marts), then the shorter name (customers over stg_customers).
    private static DbtResource Prefer(DbtResource model, List<DbtResource> candidates) =>
        candidates
            .OrderBy(c => c.Directory == model.Directory ? 0 : 1)
            .ThenBy(c => c.PackageName == model.PackageName ? 0 : 1)
            .ThenBy(c => c.Name.Length)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .First();

    private static Dictionary<string, (IReadOnlyList<string> Columns, string Reason)> PrimaryKeys(DbtResource[] models, GapRule rule)
    {
        var keys = new Dictionary<string, (IReadOnlyList<string> Columns, string Reason)>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            keys[model.UniqueId] = DeclaredPrimaryKey(model);
        }
        if (!rule.Enabled)
        {
            return keys;
        }
        // stg_supplies and supplies describe the same entity, so a key proven on one names the other's.
        var provenByEntity = models
            .Where(m => keys[m.UniqueId].Columns.Count == 1)
            .SelectMany(m => Entities(m.Name).Select(e => (Entity: e, Model: m)))
            .ToLookup(x => x.Entity, x => x.Model, StringComparer.Ordinal);
        foreach (var model in models.Where(m => keys[m.UniqueId].Columns.Count == 0))
        {
            keys[model.UniqueId] = GuessedPrimaryKey(model, rule, provenByEntity, keys);
        }
        return keys;
    }

    private static (IReadOnlyList<string> Columns, string Reason) DeclaredPrimaryKey(DbtResource model)
    {
        if (model.InferredPrimaryKey.Count > 0)
        {
            return (model.InferredPrimaryKey, "dbt's inferred primary_key");
        }
        if (model.PrimaryKeyConstraint.Count > 0)
        {
            return (model.PrimaryKeyConstraint, "primary_key constraint");
        }
        var combination = model.Tests.FirstOrDefault(t => t.TestName == "unique_combination_of_columns");
        if (combination is not null)
        {
            return (combination.Columns, "unique_combination_of_columns");
        }
        var unique = model.Columns.FirstOrDefault(c => c.Tests.Any(CoverageCalculator.IsUnique));
        return unique is not null ? ([unique.Key], "it has a unique test") : ([], "");
    }

    private static (IReadOnlyList<string> Columns, string Reason) GuessedPrimaryKey(
        DbtResource model, GapRule rule, ILookup<string, DbtResource> provenByEntity,
        Dictionary<string, (IReadOnlyList<string> Columns, string Reason)> keys)
    {
        var entities = Entities(model.Name);
        foreach (var entity in entities)
        {
            foreach (var sibling in provenByEntity[entity])
            {
                var key = keys[sibling.UniqueId].Columns[0];
                if (sibling.UniqueId != model.UniqueId && model.FindColumn(key) is not null)
                {
                    return ([key], $"it is the key of {sibling.Name}");
                }
            }
        }
        foreach (var pattern in rule.Patterns)
        {
            foreach (var entity in entities)
            {
                var expanded = pattern.Replace("{model}", entity, StringComparison.OrdinalIgnoreCase);
                var match = model.Columns.FirstOrDefault(c => Glob.IsMatch(expanded, c.Key));
                if (match is not null)
                {
                    return ([match.Key], "its name matches the model");
                }
            }
        }
        return ([], "");
    }

    /// <summary>The entity names a model stands for: stg_order_items → order_items, order_item.</summary>
    internal static string[] Entities(string modelName)
    {
        var name = modelName.ToLowerInvariant();
        var prefix = LayerPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal) && name.Length > p.Length);
        if (prefix is not null)
        {
            name = name[prefix.Length..];
        }
        var singular = Singular(name);
        return singular == name ? [name] : [singular, name];
    }

    private static string Singular(string word) => word switch
    {
        _ when word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 3 => word[..^3] + "y",
        _ when word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal) ||
               word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) => word[..^2],
        _ when word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && word.Length > 1 => word[..^1],
        _ => word,
    };

    private static (ColumnClass, GapRule?) Classify(DbtColumn column, bool isPrimaryKey, GapRuleSet rules)
    {
        if (isPrimaryKey)
        {
            return (ColumnClass.PrimaryKey, rules.PrimaryKey.Enabled ? rules.PrimaryKey : null);
        }
        if (rules.ForeignKey.Enabled && Matches(rules.ForeignKey.Patterns, column.Key))
        {
            return (ColumnClass.ForeignKey, rules.ForeignKey);
        }
        if (rules.AcceptedValues.Enabled && Matches(rules.AcceptedValues.Patterns, column.Key))
        {
            return (ColumnClass.AcceptedValues, rules.AcceptedValues);
        }
        if (rules.Timestamp.Enabled &&
            (Matches(rules.Timestamp.Patterns, column.Key) || (column.DataType is { } type && Matches(rules.Timestamp.Types, type))))
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

    // Column-level tests the project already runs, by column name, to offer the same test elsewhere.
    // Key columns are left out: their not_null says "this is a key", not "this column name is never null",
    // and learning from them would make every applied key test suggest new tests on the next run.
    private static Dictionary<string, List<Learned>> LearnPatterns(
        IReadOnlyList<DbtResource> scope, Dictionary<string, (IReadOnlyList<string> Columns, string Reason)> primaryKeys)
    {
        var learned = new Dictionary<string, List<Learned>>(StringComparer.Ordinal);
        foreach (var model in scope.Where(r => r.ResourceType == DbtResourceType.Model).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            foreach (var column in model.Columns)
            {
                if (primaryKeys[model.UniqueId].Columns.Contains(column.Key))
                {
                    continue;
                }
                foreach (var test in column.Tests)
                {
                    if (test.QualifiedName is not { } name || test.Columns.Count != 1 || name == "unique")
                    {
                        continue;
                    }
                    if (!learned.TryGetValue(column.Key, out var list))
                    {
                        learned[column.Key] = list = [];
                    }
                    if (!list.Any(l => l.Test == name))
                    {
                        list.Add(new Learned(name, test.Arguments, model.Name));
                    }
                }
            }
        }
        return learned;
    }

    // Uniqueness and references are facts about one table; only copy them where they still make sense.
    private static bool IsLearnable(Learned pattern, ColumnClass cls, DbtResource model)
    {
        if (pattern.Test != "relationships")
        {
            return true;
        }
        if (cls == ColumnClass.PrimaryKey)
        {
            return false;
        }
        return pattern.Arguments.GetValueOrDefault("to") is not string to ||
               !to.Contains($"'{model.Name}'", StringComparison.OrdinalIgnoreCase);
    }
}
