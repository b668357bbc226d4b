using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>
/// The manifest's depends_on graph, walked downstream: which nodes are built from a given one.
/// Nothing is cached per node — a descendant set per model is quadratic in the project (10,000
/// models took 6 GB) — so each question is a fresh walk, pruned by depth: a node built from
/// another sits strictly deeper (longest path from the sources), so the walk from the upstream
/// node never enters nodes as deep as the one looked for.
/// </summary>
internal sealed class Lineage
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly int[][] _children;
    private readonly int[] _depth;
    private readonly bool _acyclic;
    private readonly int[] _visited;
    private readonly Stack<int> _pending = new();
    private int _walk;

    public Lineage(IEnumerable<DbtResource> resources)
    {
        var all = resources.ToArray();
        foreach (var resource in all)
        {
            _index.TryAdd(resource.UniqueId, _index.Count);
        }
        var children = new List<int>[_index.Count];
        var parents = new int[_index.Count];
        foreach (var resource in all)
        {
            var child = _index[resource.UniqueId];
            foreach (var parent in resource.DependsOn.Distinct(StringComparer.Ordinal))
            {
                if (_index.TryGetValue(parent, out var p) && p != child)
                {
                    (children[p] ??= []).Add(child);
                    parents[child]++;
                }
            }
        }
        _children = [.. children.Select(c => c?.ToArray() ?? [])];
        _depth = new int[_index.Count];
        _visited = new int[_index.Count];
        _acyclic = AssignDepths(parents);
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

    /// <summary>True when one of the two is built from the other.</summary>
    public bool AreRelated(string a, string b) => IsDownstream(a, b) || IsDownstream(b, a);

    // Longest path from a node without parents, in topological order (Kahn). A cycle — dbt forbids
    // them, a hand-edited manifest might not — leaves nodes unordered; the walk then goes unpruned.
    private bool AssignDepths(int[] parents)
    {
        var ready = new Queue<int>(Enumerable.Range(0, parents.Length).Where(i => parents[i] == 0));
        var ordered = 0;
        while (ready.TryDequeue(out var node))
        {
            ordered++;
            foreach (var child in _children[node])
            {
                _depth[child] = Math.Max(_depth[child], _depth[node] + 1);
                if (--parents[child] == 0)
                {
                    ready.Enqueue(child);
                }
            }
        }
        return ordered == parents.Length;
    }
}
