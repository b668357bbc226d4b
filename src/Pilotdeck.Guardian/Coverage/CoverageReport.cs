namespace Pilotdeck.Guardian.Coverage;

/// <summary>A covered/total pair.</summary>
/// <param name="Covered">Items with at least one test.</param>
/// <param name="Total">All items.</param>
public sealed record CoverageFigure(int Covered, int Total)
{
    /// <summary>False when there is nothing to measure (no models, no columns): the figure is "n/a", not 100 %.</summary>
    public bool IsMeasurable => Total > 0;

    /// <summary>Percent covered, 0–100; null when <see cref="IsMeasurable"/> is false.</summary>
    public double? Measured => IsMeasurable ? Covered * 100.0 / Total : null;

    /// <summary>Percent covered, 0–100; 0 when there is nothing to measure — check <see cref="IsMeasurable"/> before showing it.</summary>
    public double Percent => Measured ?? 0;
}

/// <summary>Coverage of one resource (model, source, seed or snapshot).</summary>
/// <param name="UniqueId">dbt unique id.</param>
/// <param name="Name">Resource name.</param>
/// <param name="ResourceType">model, source, seed or snapshot.</param>
/// <param name="Path">Defining file, project-relative.</param>
/// <param name="Package">Owning package.</param>
/// <param name="Columns">Columns with ≥ 1 test of all known columns.</param>
/// <param name="DataTests">Enabled data tests attached to the resource.</param>
/// <param name="PrimaryKeyTested">True when the primary key is proven (unique + not_null, unique combination, or constraint + unique).</param>
/// <param name="UnitTests">Unit tests of the resource.</param>
public sealed record ResourceCoverage(
    string UniqueId,
    string Name,
    string ResourceType,
    string Path,
    string Package,
    CoverageFigure Columns,
    int DataTests,
    bool PrimaryKeyTested,
    int UnitTests);

/// <summary>Coverage of a group of resources (a directory, package or resource type).</summary>
/// <param name="Key">Directory path, package name or resource type.</param>
/// <param name="Resources">Resources with ≥ 1 data test.</param>
/// <param name="Columns">Columns with ≥ 1 data test.</param>
public sealed record GroupCoverage(string Key, CoverageFigure Resources, CoverageFigure Columns);

/// <summary>Test coverage of a project. Headline figures count models; the breakdowns include every resource type in scope.</summary>
/// <param name="Columns">Model columns with ≥ 1 test.</param>
/// <param name="Models">Models with ≥ 1 data test.</param>
/// <param name="PrimaryKeys">Models whose primary key is tested.</param>
/// <param name="UnitTests">Models with ≥ 1 unit test.</param>
/// <param name="Resources">Per resource.</param>
/// <param name="Directories">Per directory.</param>
/// <param name="Packages">Per package.</param>
/// <param name="ResourceTypes">Per resource type.</param>
public sealed record CoverageReport(
    CoverageFigure Columns,
    CoverageFigure Models,
    CoverageFigure PrimaryKeys,
    CoverageFigure UnitTests,
    IReadOnlyList<ResourceCoverage> Resources,
    IReadOnlyList<GroupCoverage> Directories,
    IReadOnlyList<GroupCoverage> Packages,
    IReadOnlyList<GroupCoverage> ResourceTypes);
