using Pilotdeck.Guardian.Generation;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Generation;

public sealed class TestGeneratorTests
{
    private sealed class InMemoryFiles(Dictionary<string, string> files) : IProjectFiles
    {
        public string? ReadText(string relativePath) => files.GetValueOrDefault(relativePath);
    }

    private static ManifestBuilder Shop(string dbtVersion = "1.10.2")
    {
        var b = new ManifestBuilder(dbtVersion);
        return b.Model("customers", ["customer_id", "created_at"], directory: "models/marts", patchPath: "models/marts/_marts.yml")
            .Model("orders", ["order_id", "customer_id", "status"], directory: "models/marts");
    }

    [Fact]
    public async Task Generate_ModelWithYamlAndModelWithout_MergesOneAndCreatesTheOtherBesideTheSql()
    {
        var project = await Shop().ReadAsync();
        var analysis = GuardianAnalyzer.Analyze(project);
        var files = new InMemoryFiles(new() { ["models/marts/_marts.yml"] = "models:\n  - name: customers  # mart\n" });

        var result = TestGenerator.Generate(project, analysis.Gaps, priority: 2, files);

        Assert.Equal(["models/marts/_marts.yml", "models/marts/orders.yml"], result.Files.Select(f => f.Path));
        var merged = result.Files[0];
        Assert.False(merged.IsNew);
        Assert.Equal("""
            models:
              - name: customers  # mart
                columns:
                  - name: customer_id
                    data_tests:
                      - unique
                      - not_null

            """, merged.Content);
        var created = result.Files[1];
        Assert.True(created.IsNew);
        Assert.Equal("""
            version: 2

            models:
              - name: orders
                columns:
                  - name: order_id
                    data_tests:
                      - unique
                      - not_null
                  - name: customer_id
                    data_tests:
                      - relationships:
                          arguments:
                            to: ref('customers')
                            field: customer_id

            """, created.Content);
        Assert.Equal(5, result.TestsAdded);
    }

    [Fact]
    public async Task Generate_Dbt17Manifest_WritesTestsKeyWithoutArgumentsBlock()
    {
        var project = await Shop("1.7.4").ReadAsync();
        var analysis = GuardianAnalyzer.Analyze(project);

        var result = TestGenerator.Generate(project, analysis.Gaps, priority: 3, new InMemoryFiles([]));

        var orders = result.Files.Single(f => f.Path == "models/marts/orders.yml").Content;
        Assert.Contains("        tests:\n", orders);
        Assert.DoesNotContain("data_tests", orders);
        Assert.Contains("          - relationships:\n              to: ref('customers')\n              field: customer_id\n", orders);
        Assert.Contains("          - accepted_values:\n              values: ['TODO']\n", orders);
    }

    [Fact]
    public async Task Generate_AfterTheSuggestedTestsAreInTheManifest_SuggestsNothing()
    {
        var first = await Shop().ReadAsync();
        var gaps = GuardianAnalyzer.Analyze(first).Gaps;
        Assert.NotEmpty(gaps);

        // What `dbt parse` would produce once the generated YAML is applied.
        var applied = Shop();
        var n = 0;
        foreach (var gap in gaps)
        {
            applied.Test($"t{n++}", gap.Test, gap.ModelId, gap.Column, gap.Arguments.ToDictionary(a => a.Key, a => a.Value));
        }
        var second = await applied.ReadAsync();
        var analysis = GuardianAnalyzer.Analyze(second);

        Assert.Empty(analysis.Gaps);
        Assert.Empty(TestGenerator.Generate(second, analysis.Gaps, 5, new InMemoryFiles([])).Files);
        Assert.Equal(100, analysis.Coverage.Columns.Percent);
    }

    [Fact]
    public async Task Generate_PriorityThreshold_OnlyWritesGapsAtOrAboveIt()
    {
        var project = await Shop().ReadAsync();
        var analysis = GuardianAnalyzer.Analyze(project);

        var result = TestGenerator.Generate(project, analysis.Gaps, priority: 1, new InMemoryFiles([]));

        Assert.Equal(4, result.TestsAdded);
        Assert.All(result.Files, f => Assert.DoesNotContain("relationships", f.Content));
    }
}
