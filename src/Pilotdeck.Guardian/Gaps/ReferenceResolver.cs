using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>
/// Picks the model a foreign key points at: one that has the column as its single-column primary
/// key, is not the model itself, and is not built from it (a relationship into your own downstream
/// would only restate the model). Among several owners the unfiltered one wins, since a filtered
/// subset (recent_orders) lacks keys that the full table has.
/// </summary>
internal sealed class ReferenceResolver
{
    private readonly ILookup<string, DbtResource> _byPrimaryKey;
    private readonly ILookup<string, DbtResource> _byEntity;
    private readonly Dictionary<string, KeyEvidence> _keys;
    private readonly Lineage _lineage;

    public ReferenceResolver(IEnumerable<DbtResource> models, Dictionary<string, KeyEvidence> keys, Lineage lineage)
    {
        _keys = keys;
        _lineage = lineage;
        _byPrimaryKey = models
            .Where(m => keys[m.UniqueId].Columns.Count == 1)
            .ToLookup(m => keys[m.UniqueId].Columns[0], StringComparer.Ordinal);
        _byEntity = _byPrimaryKey
            .SelectMany(g => g)
            .SelectMany(m => PrimaryKeyFinder.Entities(m.Name).Select(e => (Entity: e, Model: m)))
            .ToLookup(x => x.Entity, x => x.Model, StringComparer.Ordinal);
    }

    /// <summary>The owner of <paramref name="columnKey"/> and its key column, or null when no model qualifies.</summary>
    public (DbtResource Model, string Field)? Resolve(DbtResource model, string columnKey)
    {
        var candidates = _byPrimaryKey[columnKey].Where(m => IsAllowedTarget(model, m)).ToList();
        if (candidates.Count > 0)
        {
            return (Prefer(model, candidates), columnKey);
        }
        // customer_id → a model named customers/dim_customer whose key is plain `id`; anything else would be a guess.
        if (!columnKey.EndsWith("_id", StringComparison.Ordinal))
        {
            return null;
        }
        var byEntity = _byEntity[columnKey[..^3]]
            .Where(m => IsAllowedTarget(model, m) && _keys[m.UniqueId].Columns[0] == "id")
            .Distinct()
            .ToList();
        return byEntity.Count == 0 ? null : (Prefer(model, byEntity), "id");
    }

    /// <summary>True when a relationships test from <paramref name="model"/> may point at <paramref name="target"/>.</summary>
    public bool IsAllowedTarget(DbtResource model, DbtResource target) =>
        target.UniqueId != model.UniqueId && !_lineage.IsDownstream(target.UniqueId, model.UniqueId);

    // Unfiltered first, then the same folder (marts reference marts), package, and the shorter name (customers over stg_customers).
    private static DbtResource Prefer(DbtResource model, List<DbtResource> candidates) =>
        candidates
            .OrderBy(c => c.IsFiltered ? 1 : 0)
            .ThenBy(c => c.Directory == model.Directory ? 0 : 1)
            .ThenBy(c => c.PackageName == model.PackageName ? 0 : 1)
            .ThenBy(c => c.Name.Length)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .First();
}
