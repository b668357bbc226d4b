using Pilotdeck.Guardian.Coverage;
using Pilotdeck.Guardian.Gaps;

namespace Pilotdeck.Guardian.Comparison;

/// <summary>Change of one coverage percentage between two runs.</summary>
/// <param name="Previous">Earlier percent; null when that run had nothing to measure.</param>
/// <param name="Current">Current percent; null when this run has nothing to measure.</param>
public sealed record CoverageDelta(double? Previous, double? Current)
{
    /// <summary>Current minus previous, in percentage points; null when either side is n/a.</summary>
    public double? Change => Current - Previous;
}

/// <summary>How a project moved since an earlier analysis (<c>--compare previous.json</c>).</summary>
/// <param name="Columns">Column coverage change.</param>
/// <param name="Models">Model coverage change.</param>
/// <param name="PrimaryKeys">Primary-key coverage change.</param>
/// <param name="UnitTests">Unit-test coverage change.</param>
/// <param name="NewGaps">Gaps that were not in the earlier analysis.</param>
/// <param name="ResolvedGaps">Earlier gaps that are gone.</param>
/// <param name="Warnings">Why the two runs may not be comparable (catalog, packages, filters differ).</param>
public sealed record AnalysisComparison(
    CoverageDelta Columns,
    CoverageDelta Models,
    CoverageDelta PrimaryKeys,
    CoverageDelta UnitTests,
    IReadOnlyList<Gap> NewGaps,
    int ResolvedGaps,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Compares <paramref name="current"/> with <paramref name="previous"/>.</summary>
    public static AnalysisComparison Compare(GuardianAnalysis previous, GuardianAnalysis current)
    {
        static CoverageDelta Delta(CoverageFigure before, CoverageFigure now) => new(before.Measured, now.Measured);
        var previousKeys = previous.Gaps.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var currentKeys = current.Gaps.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return new AnalysisComparison(
            Delta(previous.Coverage.Columns, current.Coverage.Columns),
            Delta(previous.Coverage.Models, current.Coverage.Models),
            Delta(previous.Coverage.PrimaryKeys, current.Coverage.PrimaryKeys),
            Delta(previous.Coverage.UnitTests, current.Coverage.UnitTests),
            current.Gaps.Where(g => !previousKeys.Contains(g.Key)).ToArray(),
            previousKeys.Count(k => !currentKeys.Contains(k)),
            ComparabilityWarnings(previous, current));
    }

    /// <summary>Differences in what two runs saw, which move the figures without any test changing.</summary>
    public static IReadOnlyList<string> ComparabilityWarnings(GuardianAnalysis previous, GuardianAnalysis current)
    {
        var warnings = new List<string>();
        if (previous.Project.HasCatalog != current.Project.HasCatalog)
        {
            warnings.Add($"the {(previous.Project.HasCatalog ? "previous" : "current")} run had a catalog.json and the other did not: warehouse-only columns change the column figures and gaps without any test changing.");
        }
        var before = previous.Project.Packages.ToHashSet(StringComparer.Ordinal);
        var now = current.Project.Packages.ToHashSet(StringComparer.Ordinal);
        if (!before.SetEquals(now))
        {
            warnings.Add($"installed packages differ (before: {string.Join(", ", before.Order(StringComparer.Ordinal))}; now: {string.Join(", ", now.Order(StringComparer.Ordinal))}).");
        }
        if (previous.Scope is null || current.Scope is null)
        {
            warnings.Add("one run does not record its filters (--include, --exclude, --include-packages); the figures may cover different resources.");
        }
        else if (previous.Scope.Describe() != current.Scope.Describe())
        {
            warnings.Add($"the runs measured different resources (before: {previous.Scope.Describe()}; now: {current.Scope.Describe()}).");
        }
        return warnings;
    }
}
