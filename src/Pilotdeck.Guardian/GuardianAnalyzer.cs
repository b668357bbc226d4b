using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Coverage;
using Pilotdeck.Guardian.Gaps;

namespace Pilotdeck.Guardian;

/// <summary>Entry point: dbt artifacts in, coverage and ranked gaps out. Offline and stateless.</summary>
public static class GuardianAnalyzer
{
    /// <summary>Reads the artifacts and analyzes them.</summary>
    /// <param name="manifest"><c>target/manifest.json</c>, read forward once.</param>
    /// <param name="catalog">Optional <c>target/catalog.json</c>.</param>
    /// <param name="options">Scope, rules and threshold; null uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArtifactFormatException">An artifact is not JSON, truncated, or not a dbt artifact.</exception>
    public static async Task<GuardianAnalysis> AnalyzeAsync(Stream manifest, Stream? catalog, GuardianOptions? options = null, CancellationToken cancellationToken = default)
    {
        var project = await ManifestReader.ReadAsync(manifest, catalog, cancellationToken).ConfigureAwait(false);
        return Analyze(project, options);
    }

    /// <summary>Analyzes an already-read project.</summary>
    public static GuardianAnalysis Analyze(DbtProject project, GuardianOptions? options = null)
    {
        options ??= new GuardianOptions();
        var scope = Scope(project, options);
        return new GuardianAnalysis(
            Summarize(project),
            CoverageCalculator.Measure(scope),
            GapDetector.Detect(project, scope, options),
            [.. project.Warnings, .. ScopeWarnings(project, scope, options)],
            new AnalysisScope(options.IncludePackages, [.. options.Include], [.. options.Exclude]));
    }

    // A root project that only wires packages together would otherwise report "nothing to measure" with no way forward.
    private static IEnumerable<string> ScopeWarnings(DbtProject project, IReadOnlyList<DbtResource> scope, GuardianOptions options)
    {
        var root = project.Manifest.ProjectName;
        if (options.IncludePackages || root is null || scope.Any(r => r.ResourceType == DbtResourceType.Model))
        {
            yield break;
        }
        var packageModels = project.Resources.Where(r => r.ResourceType == DbtResourceType.Model && r.PackageName != root).ToArray();
        if (packageModels.Length > 0 && !project.Resources.Any(r => r.ResourceType == DbtResourceType.Model && r.PackageName == root))
        {
            var packages = packageModels.Select(m => m.PackageName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            yield return $"the root project {root} has no models of its own; its packages ({string.Join(", ", packages)}) hold {packageModels.Length} models. Run with --include-packages to measure them.";
        }
    }

    /// <summary>The resources the options select: root package unless <see cref="GuardianOptions.IncludePackages"/>, then the path filters.</summary>
    public static IReadOnlyList<DbtResource> Scope(DbtProject project, GuardianOptions options) =>
        project.Resources
            .Where(r => options.IncludePackages || project.Manifest.ProjectName is null || r.PackageName == project.Manifest.ProjectName)
            .Where(r => options.Include.Count == 0 || options.Include.Any(f => Glob.PathMatches(f, r.OriginalFilePath)))
            .Where(r => !options.Exclude.Any(f => Glob.PathMatches(f, r.OriginalFilePath)))
            .ToArray();

    private static ProjectSummary Summarize(DbtProject project)
    {
        int Count(DbtResourceType type) => project.Resources.Count(r => r.ResourceType == type);
        var root = project.Manifest.ProjectName;
        return new ProjectSummary(
            root,
            project.Manifest.DbtVersion,
            project.Manifest.SchemaVersion,
            project.Manifest.AdapterType,
            project.Manifest.GeneratedAt,
            project.HasCatalog,
            Count(DbtResourceType.Model),
            Count(DbtResourceType.Source),
            Count(DbtResourceType.Seed),
            Count(DbtResourceType.Snapshot),
            project.Tests.Count,
            project.UnitTests.Count,
            project.Resources.Select(r => r.PackageName).Distinct(StringComparer.Ordinal)
                .OrderBy(p => p == root ? 0 : 1).ThenBy(p => p, StringComparer.Ordinal).ToArray());
    }
}
