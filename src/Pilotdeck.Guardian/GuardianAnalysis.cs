using Pilotdeck.Guardian.Coverage;
using Pilotdeck.Guardian.Gaps;

namespace Pilotdeck.Guardian;

/// <summary>The result of analyzing one project: serializable, so a server can return it and the CLI can compare runs.</summary>
/// <param name="Project">What was read.</param>
/// <param name="Coverage">Coverage of the resources in scope.</param>
/// <param name="Gaps">Missing tests, best first, down to the priority threshold.</param>
/// <param name="Warnings">What the reader tolerated (newer schema, stale or foreign catalog) and what the scope left out (a root project without models).</param>
/// <param name="Scope">The filters the run used; null in results written before Guardian recorded them.</param>
public sealed record GuardianAnalysis(
    ProjectSummary Project,
    CoverageReport Coverage,
    IReadOnlyList<Gap> Gaps,
    IReadOnlyList<string> Warnings,
    AnalysisScope? Scope = null);

/// <summary>The filters that chose the measured resources, so two runs can be checked for comparability.</summary>
/// <param name="IncludePackages">True when package resources were measured.</param>
/// <param name="Include">Path filters kept.</param>
/// <param name="Exclude">Path filters removed.</param>
public sealed record AnalysisScope(bool IncludePackages, IReadOnlyList<string> Include, IReadOnlyList<string> Exclude)
{
    /// <summary>One line, e.g. <c>root project only, include models/marts</c>.</summary>
    public string Describe() =>
        (IncludePackages ? "with packages" : "root project only") +
        (Include.Count > 0 ? ", include " + string.Join(" ", Include) : "") +
        (Exclude.Count > 0 ? ", exclude " + string.Join(" ", Exclude) : "");
}

/// <summary>Inventory of the whole manifest (not only the analysis scope).</summary>
/// <param name="Name">Root project name.</param>
/// <param name="DbtVersion">dbt version that wrote the manifest.</param>
/// <param name="SchemaVersion">Manifest schema version.</param>
/// <param name="Adapter">Warehouse adapter.</param>
/// <param name="GeneratedAt">When the manifest was written.</param>
/// <param name="HasCatalog">True when a matching catalog added warehouse columns.</param>
/// <param name="Models">Enabled models.</param>
/// <param name="Sources">Source tables.</param>
/// <param name="Seeds">Seeds.</param>
/// <param name="Snapshots">Snapshots.</param>
/// <param name="DataTests">Enabled data tests.</param>
/// <param name="UnitTests">Unit tests.</param>
/// <param name="Packages">Packages that own resources, root project first.</param>
public sealed record ProjectSummary(
    string? Name,
    string? DbtVersion,
    int? SchemaVersion,
    string? Adapter,
    DateTimeOffset? GeneratedAt,
    bool HasCatalog,
    int Models,
    int Sources,
    int Seeds,
    int Snapshots,
    int DataTests,
    int UnitTests,
    IReadOnlyList<string> Packages);
