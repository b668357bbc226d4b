using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Gaps;

/// <summary>The manifest's depends_on graph, walked downstream: which nodes are built from a given one.</summary>
internal sealed class Lineage
{
    private readonly ILookup<string, string> _children;
    private readonly Dictionary<string, HashSet<string>> _descendants = new(StringComparer.Ordinal);

    public Lineage(IEnumerable<DbtResource> resources) =>
        _children = resources
            .SelectMany(r => r.DependsOn.Select(parent => (Parent: parent, Child: r.UniqueId)))
            .ToLookup(e => e.Parent, e => e.Child, StringComparer.Ordinal);

    /// <summary>True when <paramref name="candidate"/> is built, directly or not, from <paramref name="node"/>.</summary>
    public bool IsDownstream(string candidate, string node) => Descendants(node).Contains(candidate);

    /// <summary>True when one of the two is built from the other.</summary>
    public bool AreRelated(string a, string b) => IsDownstream(a, b) || IsDownstream(b, a);

    private HashSet<string> Descendants(string node)
    {
        if (_descendants.TryGetValue(node, out var known))
        {
            return known;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(_children[node]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var child in _children[next])
                {
                    pending.Push(child);
                }
            }
        }
        _descendants[node] = seen;
        return seen;
    }
}
