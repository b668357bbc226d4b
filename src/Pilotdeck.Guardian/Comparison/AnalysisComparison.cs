using Pilotdeck.Guardian.Coverage;
using Pilotdeck.Guardian.Gaps;

namespace Pilotdeck.Guardian.Comparison;

/// <summary>Change of one coverage percentage between two runs.</summary>
/// <param name="Previous">Earlier percent.</param>
/// <param name="Current">Current percent.</param>
public sealed record CoverageDelta(double Previous, double Current)
{
    /// <summary>Current minus previous, in percentage points.</summary>
    public double Change => Current - Previous;
}

/// <summary>How a project moved since an earlier analysis (<c>--compare previous.json</c>).</summary>
/// <param name="Columns">Column coverage change.</param>
/// <param name="Models">Model coverage change.</param>
/// <param name="PrimaryKeys">Primary-key coverage change.</param>
/// <param name="UnitTests">Unit-test coverage change.</param>
/// <param name="NewGaps">Gaps that were not in the earlier analysis.</param>
/// <param name="ResolvedGaps">Earlier gaps that are gone.</param>
public sealed record AnalysisComparison(
    CoverageDelta Columns,
    CoverageDelta Models,
    CoverageDelta PrimaryKeys,
    CoverageDelta UnitTests,
    IReadOnlyList<Gap> NewGaps,
    int ResolvedGaps)
{
    /// <summary>Compares <paramref name="current"/> with <paramref name="previous"/>.</summary>
    public static AnalysisComparison Compare(GuardianAnalysis previous, GuardianAnalysis current)
    {
        static CoverageDelta Delta(CoverageFigure before, CoverageFigure now) => new(before.Percent, now.Percent);
        var previousKeys = previous.Gaps.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var currentKeys = current.Gaps.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return new AnalysisComparison(
            Delta(previous.Coverage.Columns, current.Coverage.Columns),
            Delta(previous.Coverage.Models, current.Coverage.Models),
            Delta(previous.Coverage.PrimaryKeys, current.Coverage.PrimaryKeys),
            Delta(previous.Coverage.UnitTests, current.Coverage.UnitTests),
            current.Gaps.Where(g => !previousKeys.Contains(g.Key)).ToArray(),
            previousKeys.Count(k => !currentKeys.Contains(k)));
    }
}
