using Pilotdeck.Guardian.Generation;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Generation;

public sealed class TestGeneratorTests
{
    private sealed class InMemoryFiles(Dictionary<string, string> files) : IProjectFiles
    {
        public string? ReadText(string relativePath) => files.GetValueOrDefault(relativePath);
    }

    // Every generated file must be one dbt accepts.
    private static GenerationResult Generate(Pilotdeck.Guardian.Artifacts.DbtProject project, IReadOnlyList<Pilotdeck.Guardian.Gaps.Gap> gaps, int priority, IProjectFiles files) =>
        DbtSchemas.AssertValid(TestGenerator.Generate(project, gaps, priority, files), YamlDialect.For(project.Manifest.DbtRelease, project.Manifest.SchemaVersion));

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

        var result = Generate(project, analysis.Gaps, priority: 2, files);

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

        var result = Generate(project, analysis.Gaps, priority: 3, new InMemoryFiles([]));

        var orders = result.Files.Single(f => f.Path == "models/marts/orders.yml").Content;
        Assert.Contains("        tests:\n", orders);
        Assert.DoesNotContain("data_tests", orders);
        Assert.Contains("          - relationships:\n              to: ref('customers')\n              field: customer_id\n", orders);
        // No values are known, so the test is a commented block that `dbt parse` never sees.
        Assert.Contains("# orders.status: fill in `values` (every value status may hold), then move under its tests: and uncomment\n# - accepted_values:\n#     values: ['FILL_IN_value']\n", orders);
        Assert.DoesNotContain("\n          - accepted_values", orders);
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
        Assert.Empty(Generate(second, analysis.Gaps, 5, new InMemoryFiles([])).Files);
        Assert.Equal(100, analysis.Coverage.Columns.Percent);
    }

    [Fact]
    public async Task Generate_PriorityThreshold_OnlyWritesGapsAtOrAboveIt()
    {
        var project = await Shop().ReadAsync();
        var analysis = GuardianAnalyzer.Analyze(project);

        var result = Generate(project, analysis.Gaps, priority: 1, new InMemoryFiles([]));

        Assert.Equal(4, result.TestsAdded);
        Assert.All(result.Files, f => Assert.DoesNotContain("relationships", f.Content));
    }

    [Fact]
    public async Task Generate_UnknownTargetsAndValues_NoActivePlaceholderReachesTheYaml()
    {
        var b = Shop();
        b.Model("shipments", ["shipment_id", "carrier_id", "shipment_type"], directory: "models/marts");
        var project = await b.ReadAsync();

        var result = Generate(project, GuardianAnalyzer.Analyze(project).Gaps, priority: 5, new InMemoryFiles([]));

        var active = result.Files.SelectMany(f => f.Content.Split('\n')).Where(l => !l.TrimStart().StartsWith('#')).ToArray();
        Assert.DoesNotContain(active, l => l.Contains("FILL_IN", StringComparison.Ordinal) || l.Contains("TODO", StringComparison.Ordinal));
        var shipments = result.Files.Single(f => f.Path == "models/marts/shipments.yml");
        Assert.Equal(2, shipments.TestsToComplete);
        Assert.Contains("# shipments.carrier_id: fill in `to` (the model that owns carrier_id as its primary key) and `field`", shipments.Content);
    }

    [Fact]
    public async Task Generate_CompositeKey_WritesTheCombinationTestAtModelLevel()
    {
        var b = new ManifestBuilder().Package("dbt_utils");
        b.Model("daily_sales", ["store_id", "sale_date"], uniqueKey: new[] { "store_id", "sale_date" }, patchPath: "models/daily_sales.yml");
        var project = await b.ReadAsync();
        var files = new InMemoryFiles(new() { ["models/daily_sales.yml"] = "version: 2\nmodels:\n  - name: daily_sales\n    description: per store and day\n" });

        var result = Generate(project, GuardianAnalyzer.Analyze(project).Gaps, priority: 1, files);

        Assert.Equal("""
            version: 2
            models:
              - name: daily_sales
                description: per store and day
                data_tests:
                  - dbt_utils.unique_combination_of_columns:
                      arguments:
                        combination_of_columns: ['store_id', 'sale_date']
                columns:
                  - name: store_id
                    data_tests:
                      - not_null
                  - name: sale_date
                    data_tests:
                      - not_null

            """.Replace("\r\n", "\n", StringComparison.Ordinal), result.Files.Single().Content);
    }

    [Fact]
    public async Task Generate_SourceTable_MergesUnderItsSourceInTheSourcesFile()
    {
        var project = await new ManifestBuilder().Source("shop", "raw_orders", ["id"]).ReadAsync();
        var files = new InMemoryFiles(new()
        {
            ["models/staging/__sources.yml"] = "version: 2\nsources:\n  - name: shop\n    tables:\n      - name: raw_customers\n      - name: raw_orders\n",
        });

        var result = Generate(project, GuardianAnalyzer.Analyze(project).Gaps, priority: 1, files);

        Assert.Equal(
            "version: 2\nsources:\n  - name: shop\n    tables:\n      - name: raw_customers\n      - name: raw_orders\n" +
            "        columns:\n          - name: id\n            data_tests:\n              - unique\n              - not_null\n",
            result.Files.Single().Content);
    }

    [Fact]
    public async Task Generate_PackageModels_AreLeftOutWithAWarning()
    {
        var b = Shop();
        b.Model("elementary_runs", ["run_id"], directory: "dbt_packages/elementary/models", package: "elementary");
        var project = await b.ReadAsync();
        var analysis = GuardianAnalyzer.Analyze(project, new Pilotdeck.Guardian.Configuration.GuardianOptions { IncludePackages = true });

        var result = Generate(project, analysis.Gaps, priority: 5, new InMemoryFiles([]));

        Assert.Contains(analysis.Gaps, g => g.Model == "elementary_runs");
        Assert.DoesNotContain(result.Files, f => f.Content.Contains("elementary_runs", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("package elementary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generate_PatchPathNotOnDisk_IsAPreviewNotANewFile()
    {
        var project = await Shop().ReadAsync();

        var result = Generate(project, GuardianAnalyzer.Analyze(project).Gaps, priority: 1, new InMemoryFiles([]));

        var marts = result.Files.Single(f => f.Path == "models/marts/_marts.yml");
        Assert.True(marts.OriginalUnread);
        Assert.False(marts.IsNew);
        Assert.True(result.Files.Single(f => f.Path == "models/marts/orders.yml").IsNew);
    }

    [Theory]
    [MemberData(nameof(Fixtures.AllManifests), MemberType = typeof(Fixtures))]
    public async Task Generate_EveryJaffleShopManifest_WritesFilesThatValidateAgainstDbtsSchema(string manifest)
    {
        var project = await Fixtures.ReadAsync(manifest);
        var analysis = GuardianAnalyzer.Analyze(project, new Pilotdeck.Guardian.Configuration.GuardianOptions { IncludePackages = true });

        var result = Generate(project, analysis.Gaps, priority: 5, new InMemoryFiles([]));

        Assert.All(result.Files.SelectMany(f => f.Content.Split('\n')).Where(l => !l.TrimStart().StartsWith('#')),
            l => Assert.DoesNotContain("TODO", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", 0, "tests", false)]
    [InlineData("", 12, "data_tests", false)]
    [InlineData("1.7.4", 11, "tests", false)]
    [InlineData("1.9.1", 12, "data_tests", false)]
    [InlineData("1.10.5", 12, "data_tests", true)]
    public async Task Generate_DbtVersion_PicksTheTestsKeyAndArgumentsFormItSupports(string dbtVersion, int schemaVersion, string testsKey, bool argumentsBlock)
    {
        var project = await new ManifestBuilder(dbtVersion, schemaVersion == 0 ? 99 : schemaVersion).Model("orders", ["order_id", "customer_id"]).Model("customers", ["customer_id"]).ReadAsync();
        var unknownSchema = schemaVersion == 0 ? project.Manifest with { SchemaVersion = null } : project.Manifest;

        var dialect = YamlDialect.For(unknownSchema.DbtRelease, unknownSchema.SchemaVersion);

        Assert.Equal((testsKey, argumentsBlock), (dialect.TestsKey, dialect.UseArgumentsBlock));
    }
}
