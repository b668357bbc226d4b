using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Gaps;

namespace Pilotdeck.Guardian.Tests.Gaps;

/// <summary>Both ways of answering "is A built from B" — cached ancestor bitsets and the pruned walk — agree with a plain closure.</summary>
public sealed class LineageTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void IsDownstream_CachedAndWalked_MatchTheTransitiveClosure(int seed)
    {
        // A random DAG of 200 models, edges only from lower to higher numbers, plus one cycle a hand-edited manifest might hold.
        var random = new Random(seed);
        var parents = Enumerable.Range(0, 200).Select(i => Enumerable.Range(0, i).Where(_ => random.NextDouble() < 0.02).ToList()).ToList();
        parents[5].Add(150);
        var resources = parents.Select((ps, i) => new DbtResource
        {
            UniqueId = Id(i), Name = "m" + i, PackageName = "p", ResourceType = DbtResourceType.Model, OriginalFilePath = "m.sql",
            DependsOn = [.. ps.Select(Id)],
        }).ToList();
        var cached = new Lineage(resources);
        var walked = new Lineage(resources, maxCachedBytes: 0);

        for (var a = 0; a < 200; a++)
        {
            var ancestors = Closure(a, parents);
            for (var b = 0; b < 200; b++)
            {
                var expected = a != b && ancestors.Contains(b);
                Assert.Equal(expected, cached.IsDownstream(Id(a), Id(b)));
                Assert.Equal(expected, walked.IsDownstream(Id(a), Id(b)));
            }
        }
    }

    private static string Id(int i) => "model.p.m" + i;

    private static HashSet<int> Closure(int node, List<List<int>> parents)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<int>(parents[node]);
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                parents[next].ForEach(pending.Push);
            }
        }

        return seen;
    }
}
