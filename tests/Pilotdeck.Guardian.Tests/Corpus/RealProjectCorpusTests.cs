using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Corpus;

/// <summary>
/// Real public dbt projects' committed artifacts, dbt 0.19 to 1.12 and 6 to 135 models
/// (Corpus/projects, sources and licences in Corpus/SOURCES.md). Per project: the analysis
/// succeeds, its figures equal a count made here straight from the JSON, and no suggestion breaks
/// the rules of docs/guardian.md; the generated YAML validates against dbt's schemas.
/// </summary>
public sealed partial class RealProjectCorpusTests
{
    private static readonly Lazy<string> Root = new(() => Path.Combine(Fixtures.RepositoryRoot, "tests", "Pilotdeck.Guardian.Tests", "Corpus", "projects"));

    public static IEnumerable<object[]> Projects() =>
        Directory.EnumerateDirectories(Root.Value).Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(p => new object[] { p! });

    [Fact]
    public void Corpus_HoldsAtLeastTenProjectsOfDifferentDbtVersions()
    {
        var versions = Projects().Select(p => Read((string)p[0], "manifest.json")!.RootElement.GetProperty("metadata").GetProperty("dbt_version").GetString()).ToArray();

        Assert.True(versions.Length >= 10, $"{versions.Length} projects");
        Assert.True(versions.Distinct().Count() >= 10, string.Join(", ", versions));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Analyze_RealProject_FiguresEqualAnIndependentCount(string name)
    {
        using var manifest = Read(name, "manifest.json")!;
        using var catalog = Read(name, "catalog.json");
        var facts = ManifestFacts.From(manifest.RootElement, catalog?.RootElement);

        var analysis = GuardianAnalyzer.Analyze(await ReadProjectAsync(name), new GuardianOptions { IncludePackages = true });

        var models = facts.ModelColumns.Keys.ToHashSet();
        Assert.Equal(models.Count, analysis.Coverage.Models.Total);
        Assert.Equal(facts.Tests.Count, analysis.Project.DataTests);
        var tested = facts.Tests.SelectMany(t => t.Models).ToHashSet();
        Assert.Equal(tested.Count, analysis.Coverage.Models.Covered);
        Assert.Equal(facts.ModelColumns.Values.Sum(c => c.Count), analysis.Coverage.Columns.Total);

        // A column is tested when a test of its model names it; expressions name columns in free SQL,
        // so the columns they could name bound the figure from above.
        var named = ColumnsTested(facts, t => t.Columns);
        var possible = ColumnsTested(facts, t => [.. t.Columns, .. Words(t.Expression)]);
        Assert.InRange(analysis.Coverage.Columns.Covered, named, possible);
        if (facts.Tests.All(t => t.Expression is null))
        {
            Assert.Equal(named, analysis.Coverage.Columns.Covered);
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Analyze_RealProject_SuggestsNothingTheRulesForbid(string name)
    {
        using var manifest = Read(name, "manifest.json")!;
        using var catalog = Read(name, "catalog.json");
        var project = await ReadProjectAsync(name);

        var analysis = GuardianAnalyzer.Analyze(project, new GuardianOptions { IncludePackages = true });

        Assert.NotEmpty(analysis.Gaps);
        SuggestionRules.AssertObeyed(project, analysis, ManifestFacts.From(manifest.RootElement, catalog?.RootElement));
    }

    private static int ColumnsTested(ManifestFacts facts, Func<(string[] Models, string[] Columns, string? Expression), IEnumerable<string>> names) =>
        facts.Tests.SelectMany(t => t.Models.SelectMany(m => names(t).Where(c => facts.ModelColumns[m].Contains(c)).Select(c => (m, c))))
            .Distinct().Count();

    private static IEnumerable<string> Words(string? expression) =>
        expression is null ? [] : Word().Matches(expression).Select(m => ManifestFacts.Normalize(m.Value));

    private static async Task<DbtProject> ReadProjectAsync(string name)
    {
        await using var manifest = Open(name, "manifest.json")!;
        await using var catalog = Open(name, "catalog.json");
        return await ManifestReader.ReadAsync(manifest, catalog);
    }

    private static JsonDocument? Read(string name, string file)
    {
        using var stream = Open(name, file);
        return stream is null ? null : JsonDocument.Parse(stream);
    }

    private static GZipStream? Open(string name, string file)
    {
        var path = Path.Combine(Root.Value, name, file + ".gz");
        return File.Exists(path) ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : null;
    }

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Word();
}
