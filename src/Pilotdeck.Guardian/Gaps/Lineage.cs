using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>
/// The manifest's depends_on graph: which nodes are built from a given one. Questions come as
/// "is this candidate built from that model?" for few candidates (the models owning a key) and
/// many models, so each candidate's ancestors are found once and kept as a bitset (one bit per
/// node: 1.25 KB per candidate at 10,000 nodes) — all at once from their parents' when every node's
/// set fits, else by one walk upstream per candidate asked about. The bitsets are capped at
/// <see cref="MaxCachedBytes"/> — sets per node are quadratic in the project (hash sets of names
/// for 10,000 models took 6 GB) — and past the cap each question is a fresh walk downstream,
/// pruned by depth: a node built from another sits strictly deeper (longest path from the
/// sources), so the walk never enters nodes as deep as the one looked for.
/// </summary>
internal sealed class Lineage
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    internal const long MaxCachedBytes = 64L * 1024 * 1024;

    private readonly long _maxCachedBytes;

    private readonly int[][] _children;
    private readonly int[][] _parents;
    private readonly Dictionary<int, ulong[]> _ancestors = [];
    private long _cachedBytes;
    private readonly int[] _depth;
    private readonly bool _acyclic;
    private readonly int[]? _topologicalOrder;
    private readonly int[] _visited;
    private readonly Stack<int> _pending = new();
    private int _walk;

    /// <param name="maxCachedBytes">Room for ancestor bitsets; 0 makes every question a walk (tests compare the two).</param>
    public Lineage(IEnumerable<DbtResource> resources, long maxCachedBytes = MaxCachedBytes)
    {
        _maxCachedBytes = maxCachedBytes;
        var all = resources.ToArray();
        foreach (var resource in all)
        {
            _index.TryAdd(resource.UniqueId, _index.Count);
        }
        var children = new List<int>[_index.Count];
        var parentLists = new List<int>[_index.Count];
        var parents = new int[_index.Count];
        foreach (var resource in all)
        {
            var child = _index[resource.UniqueId];
            foreach (var parent in resource.DependsOn.Distinct(StringComparer.Ordinal))
            {
                if (_index.TryGetValue(parent, out var p) && p != child)
                {
                    (children[p] ??= []).Add(child);
                    (parentLists[child] ??= []).Add(p);
                    parents[child]++;
                }
            }
        }
        _children = [.. children.Select(c => c?.ToArray() ?? [])];
        _parents = [.. parentLists.Select(p => p?.ToArray() ?? [])];
        _depth = new int[_index.Count];
        _visited = new int[_index.Count];
        _topologicalOrder = AssignDepths(parents);
        _acyclic = _topologicalOrder is not null;
    }

    /// <summary>True when <paramref name="candidate"/> is built, directly or not, from <paramref name="node"/>.</summary>
    public bool IsDownstream(string candidate, string node)
    {
        if (!_index.TryGetValue(candidate, out var target) || !_index.TryGetValue(node, out var start) || target == start)
        {
            return false;
        }
        if (_acyclic && _depth[target] <= _depth[start])
        {
            return false;
        }
        if (AncestorsOf(target) is { } ancestors)
        {
            return (ancestors[start >> 6] & (1UL << (start & 63))) != 0;
        }
        _walk++;
        _pending.Clear();
        _pending.Push(start);
        while (_pending.TryPop(out var next))
        {
            foreach (var child in _children[next])
            {
                if (child == target)
                {
                    return true;
                }
                if (_visited[child] != _walk && (!_acyclic || _depth[child] < _depth[target]))
                {
                    _visited[child] = _walk;
                    _pending.Push(child);
                }
            }
        }
        return false;
    }

    // One walk upstream from the target, kept while the cache has room; null once it is full. When
    // every node's set fits, all are built at once from their parents' in topological order: a
    // node's ancestors are its parents and theirs, so each set costs one OR per parent, not a walk.
    private ulong[]? AncestorsOf(int target)
    {
        if (_ancestors.TryGetValue(target, out var known))
        {
            return known;
        }
        var words = (_index.Count + 63) >> 6;
        if (_ancestors.Count == 0 && _topologicalOrder is { } order && (long)words * sizeof(ulong) * order.Length <= _maxCachedBytes)
        {
            foreach (var node in order)
            {
                var set = new ulong[words];
                foreach (var parent in _parents[node])
                {
                    var parentSet = _ancestors[parent];
                    for (var w = 0; w < words; w++)
                    {
                        set[w] |= parentSet[w];
                    }
                    set[parent >> 6] |= 1UL << (parent & 63);
                }
                _ancestors[node] = set;
            }
            _cachedBytes = (long)words * sizeof(ulong) * order.Length;
            return _ancestors[target];
        }
        if (_cachedBytes + words * sizeof(ulong) > _maxCachedBytes)
        {
            return null;
        }
        var bits = new ulong[words];
        _pending.Clear();
        _pending.Push(target);
        while (_pending.TryPop(out var next))
        {
            foreach (var parent in _parents[next])
            {
                ref var word = ref bits[parent >> 6];
                var bit = 1UL << (parent & 63);
                if ((word & bit) == 0)
                {
                    word |= bit;
                    _pending.Push(parent);
                }
            }
        }
        _cachedBytes += words * sizeof(ulong);
        _ancestors[target] = bits;
        return bits;
    }

    /// <summary>True when one of the two is built from the other.</summary>
    public bool AreRelated(string a, string b) => IsDownstream(a, b) || IsDownstream(b, a);

    // Longest path from a node without parents, in topological order (Kahn), which is returned. A
    // cycle — dbt forbids them, a hand-edited manifest might not — leaves nodes unordered (null);
    // the walk then goes unpruned.
    private int[]? AssignDepths(int[] parents)
    {
        var ready = new Queue<int>(Enumerable.Range(0, parents.Length).Where(i => parents[i] == 0));
        var order = new int[parents.Length];
        var ordered = 0;
        while (ready.TryDequeue(out var node))
        {
            order[ordered++] = node;
            foreach (var child in _children[node])
            {
                _depth[child] = Math.Max(_depth[child], _depth[node] + 1);
                if (--parents[child] == 0)
                {
                    ready.Enqueue(child);
                }
            }
        }
        return ordered == parents.Length ? order : null;
    }
}
