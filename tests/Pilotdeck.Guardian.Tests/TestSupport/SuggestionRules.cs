using System.Text.RegularExpressions;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Generation;

namespace Pilotdeck.Guardian.Tests.TestSupport;

/// <summary>
/// The rules every suggestion must obey (docs/guardian.md), checked against <see cref="ManifestFacts"/>:
/// no unique on a composite-key member, no relationship to the model itself or its downstream,
/// no active placeholder in generated YAML, and every generated file valid for dbt.
/// </summary>
internal static partial class SuggestionRules
{
    public static void AssertObeyed(DbtProject project, GuardianAnalysis analysis, ManifestFacts facts)
    {
        foreach (var gap in analysis.Gaps)
        {
            if (gap.Test == "unique")
            {
                Assert.False(facts.CompositeKeyMembers.GetValueOrDefault(gap.ModelId, []).Contains(gap.Column.ToLowerInvariant()),
                    $"unique suggested on {gap.ModelId}.{gap.Column}, a member of a composite key");
            }
            if (gap.Test == "relationships" && gap.IsComplete && RefName().Match((string)gap.Arguments["to"]!) is { Success: true } match)
            {
                var target = facts.ModelIdsByName[match.Groups[1].Value];
                Assert.NotEqual(gap.ModelId, target);
                Assert.False(facts.Downstream(gap.ModelId).Contains(target), $"{gap.ModelId}.{gap.Column} → {target}, which is downstream of it");
            }
        }
        var dialect = YamlDialect.For(project.Manifest.DbtRelease, project.Manifest.SchemaVersion);
        var files = DbtSchemas.AssertValid(TestGenerator.Generate(project, analysis.Gaps, 5, NoFiles.Instance), dialect).Files;
        Assert.All(files.SelectMany(f => f.Content.Split('\n')).Where(l => !l.TrimStart().StartsWith('#')),
            l => Assert.False(l.Contains("TODO", StringComparison.Ordinal) || l.Contains("FILL_IN", StringComparison.Ordinal), l));
    }

    private sealed class NoFiles : IProjectFiles
    {
        public static readonly NoFiles Instance = new();

        public string? ReadText(string relativePath) => null;
    }

    [GeneratedRegex(@"ref\('([^']+)'\)")]
    private static partial Regex RefName();
}
