using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Coverage;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>A resource's primary key and what says so; more than one column is a composite key.</summary>
internal sealed record KeyEvidence(IReadOnlyList<string> Columns, string Reason)
{
    public static readonly KeyEvidence None = new([], "");

    public bool IsComposite => Columns.Count > 1;
}

/// <summary>Finds each resource's primary key: declared (dbt, constraints, tests, unique_key) first, then guessed from names.</summary>
internal static class PrimaryKeyFinder
{
    private static readonly string[] LayerPrefixes = ["stg_", "int_", "dim_", "fct_", "fact_", "base_", "src_", "raw_", "mart_", "rpt_"];

    public static Dictionary<string, KeyEvidence> Find(IReadOnlyList<DbtResource> resources, GapRule rule)
    {
        var keys = new Dictionary<string, KeyEvidence>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            keys[resource.UniqueId] = Declared(resource);
        }
        if (!rule.Enabled)
        {
            return keys;
        }
        // stg_supplies and supplies describe the same entity, so a key proven on one names the other's.
        var provenByEntity = resources
            .Where(m => keys[m.UniqueId].Columns.Count == 1)
            .SelectMany(m => Entities(m.Name).Select(e => (Entity: e, Model: m)))
            .ToLookup(x => x.Entity, x => x.Model, StringComparer.Ordinal);
        foreach (var resource in resources.Where(m => keys[m.UniqueId].Columns.Count == 0))
        {
            keys[resource.UniqueId] = Guessed(resource, rule, provenByEntity, keys);
        }
        return keys;
    }

    private static KeyEvidence Declared(DbtResource resource)
    {
        if (resource.InferredPrimaryKey.Count > 0)
        {
            return new(resource.InferredPrimaryKey, "dbt's inferred primary_key");
        }
        if (resource.PrimaryKeyConstraint.Count > 0)
        {
            return new(resource.PrimaryKeyConstraint, "primary_key constraint");
        }
        var combination = resource.Tests.FirstOrDefault(CoverageCalculator.IsCombinationUnique);
        if (combination is { Columns.Count: > 0 })
        {
            return new(combination.Columns, combination.TestName!);
        }
        if (resource.UniqueKey.Count > 0)
        {
            return new(resource.UniqueKey, "the incremental unique_key");
        }
        var unique = resource.Columns.FirstOrDefault(c => c.Tests.Any(CoverageCalculator.IsUnique));
        return unique is not null ? new([unique.Key], "it has a unique test") : KeyEvidence.None;
    }

    private static KeyEvidence Guessed(DbtResource resource, GapRule rule, ILookup<string, DbtResource> provenByEntity, Dictionary<string, KeyEvidence> keys)
    {
        var entities = Entities(resource.Name);
        foreach (var entity in entities)
        {
            foreach (var sibling in provenByEntity[entity])
            {
                var key = keys[sibling.UniqueId].Columns[0];
                if (sibling.UniqueId != resource.UniqueId && resource.FindColumn(key) is not null)
                {
                    return new([key], $"it is the key of {sibling.Name}");
                }
            }
        }
        foreach (var pattern in rule.Patterns)
        {
            foreach (var entity in entities)
            {
                var expanded = pattern.Replace("{model}", entity, StringComparison.OrdinalIgnoreCase);
                var match = resource.Columns.FirstOrDefault(c => Glob.IsMatch(expanded, c.Key));
                if (match is not null)
                {
                    return new([match.Key], "its name matches the model");
                }
            }
        }
        return KeyEvidence.None;
    }

    /// <summary>The entity names a model stands for: stg_order_items → order_items, order_item.</summary>
    public static string[] Entities(string modelName)
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
}
