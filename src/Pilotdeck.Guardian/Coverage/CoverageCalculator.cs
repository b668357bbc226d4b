using Pilotdeck.Guardian.Artifacts;

namespace Pilotdeck.Guardian.Coverage;

/// <summary>Computes coverage figures for the resources in scope.</summary>
public static class CoverageCalculator
{
    /// <summary>Measures <paramref name="resources"/> (already filtered to the analysis scope).</summary>
    public static CoverageReport Measure(IReadOnlyList<DbtResource> resources)
    {
        var perResource = resources.Select(Measure).ToArray();
        var models = perResource.Where(r => r.ResourceType == "model").ToArray();

        return new CoverageReport(
            Columns: Sum(models.Select(m => m.Columns)),
            Models: new CoverageFigure(models.Count(m => m.DataTests > 0), models.Length),
            PrimaryKeys: new CoverageFigure(models.Count(m => m.PrimaryKeyTested), models.Length),
            UnitTests: new CoverageFigure(models.Count(m => m.UnitTests > 0), models.Length),
            Resources: perResource,
            Directories: Group(perResource, r => DirectoryOf(r.Path)),
            Packages: Group(perResource, r => r.Package),
            ResourceTypes: Group(perResource, r => r.ResourceType));
    }

    /// <summary>
    /// True when the resource's primary key is proven by tests: unique + not_null on one column,
    /// a unique-combination test, or a primary-key constraint backed by a unique test.
    /// </summary>
    public static bool IsPrimaryKeyTested(DbtResource resource)
    {
        foreach (var column in resource.Columns)
        {
            if (column.Tests.Any(IsUnique) && column.Tests.Any(IsNotNull))
            {
                return true;
            }
        }
        if (resource.Tests.Any(IsCombinationUnique))
        {
            return true;
        }
        return resource.PrimaryKeyConstraint.Count == 1 &&
               resource.FindColumn(resource.PrimaryKeyConstraint[0])?.Tests.Any(IsUnique) == true;
    }

    /// <summary>True for tests that prove a key combination unique (dbt_utils and dbt_expectations spellings).</summary>
    public static bool IsCombinationUnique(DbtTest test) =>
        test.TestName is "unique_combination_of_columns" or "expect_compound_columns_to_be_unique";

    /// <summary>True for dbt's built-in <c>unique</c> test.</summary>
    public static bool IsUnique(DbtTest test) => test.QualifiedName == "unique";

    /// <summary>True for dbt's built-in <c>not_null</c> test.</summary>
    public static bool IsNotNull(DbtTest test) => test.QualifiedName == "not_null";

    private static ResourceCoverage Measure(DbtResource resource) => new(
        resource.UniqueId,
        resource.Name,
        resource.ResourceType.ToString().ToLowerInvariant(),
        resource.OriginalFilePath,
        resource.PackageName,
        new CoverageFigure(resource.Columns.Count(c => c.Tests.Count > 0), resource.Columns.Count),
        resource.Tests.Count,
        IsPrimaryKeyTested(resource),
        resource.UnitTests.Count);

    private static CoverageFigure Sum(IEnumerable<CoverageFigure> figures)
    {
        int covered = 0, total = 0;
        foreach (var figure in figures)
        {
            covered += figure.Covered;
            total += figure.Total;
        }
        return new CoverageFigure(covered, total);
    }

    private static GroupCoverage[] Group(IEnumerable<ResourceCoverage> resources, Func<ResourceCoverage, string> key) =>
        resources
            .GroupBy(key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new GroupCoverage(
                g.Key,
                new CoverageFigure(g.Count(r => r.DataTests > 0), g.Count()),
                Sum(g.Select(r => r.Columns))))
            .ToArray();

    private static string DirectoryOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "." : path[..slash];
    }
}
