using System.Text.Json;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Gaps;

/// <summary>
/// The rules of a correct suggestion (<see cref="SuggestionRules"/>) on every jaffle_shop manifest;
/// the real-project corpus runs the same check (Corpus/RealProjectCorpusTests).
/// </summary>
public sealed class SuggestionInvariantTests
{
    [Theory]
    [MemberData(nameof(Fixtures.AllManifests), MemberType = typeof(Fixtures))]
    public async Task Analyze_EveryJaffleShopManifest_SuggestsNothingTheRulesForbid(string manifest)
    {
        var project = await Fixtures.ReadAsync(manifest);
        var analysis = GuardianAnalyzer.Analyze(project, new GuardianOptions { IncludePackages = true });
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Fixtures.Manifest(manifest)));

        SuggestionRules.AssertObeyed(project, analysis, ManifestFacts.From(json.RootElement));
    }
}
