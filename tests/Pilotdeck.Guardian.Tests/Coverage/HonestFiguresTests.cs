using Pilotdeck.Guardian.Comparison;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Coverage;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Coverage;

public sealed class HonestFiguresTests
{
    [Fact]
    public void CoverageFigure_NothingToMeasure_IsNotApplicableRatherThanFull()
    {
        var empty = new CoverageFigure(0, 0);

        Assert.False(empty.IsMeasurable);
        Assert.Null(empty.Measured);
        Assert.Equal(50, new CoverageFigure(1, 2).Measured);
    }

    [Fact]
    public async Task Analyze_RootProjectWithoutModels_NamesThePackageModelsAndTheFlag()
    {
        var b = new ManifestBuilder(project: "wrapper");
        b.Model("a", ["a_id"], package: "analytics").Model("b", ["b_id"], package: "analytics");

        var analysis = GuardianAnalyzer.Analyze(await b.ReadAsync());

        Assert.False(analysis.Coverage.Models.IsMeasurable);
        var warning = Assert.Single(analysis.Warnings);
        Assert.Contains("has no models of its own", warning);
        Assert.Contains("(analytics) hold 2 models", warning);
        Assert.Contains("--include-packages", warning);
    }

    [Fact]
    public async Task Measure_ColumnsNamedByPackageTests_CountAsTested()
    {
        var b = new ManifestBuilder();
        b.Model("orders", ["order_id", "amount", "valid_from", "valid_to", "shipped_at", "ordered_at", "note"])
            .Test("expr", "expression_is_true", b.ModelId("orders"), null, new() { ["expression"] = "amount >= 0 and note <> 'order_id'" }, testNamespace: "dbt_utils")
            .Test("ranges", "mutually_exclusive_ranges", b.ModelId("orders"), null,
                new() { ["lower_bound_column"] = "valid_from", ["upper_bound_column"] = "valid_to" }, testNamespace: "dbt_utils")
            .Test("pair", "expect_column_pair_values_A_to_be_greater_than_B", b.ModelId("orders"), null,
                new() { ["column_A"] = "shipped_at", ["column_B"] = "ordered_at" }, testNamespace: "dbt_expectations");

        var orders = GuardianAnalyzer.Analyze(await b.ReadAsync()).Coverage.Resources.Single();

        // order_id appears only inside a string literal, so it stays untested.
        Assert.Equal(new CoverageFigure(6, 7), orders.Columns);
    }

    [Fact]
    public async Task Compare_RunsWithAndWithoutCatalog_WarnThatTheyAreNotComparable()
    {
        var b = new ManifestBuilder();
        b.Model("orders", ["order_id"]);
        var withCatalog = GuardianAnalyzer.Analyze(await b.ReadAsync(ManifestBuilder.Catalog((b.ModelId("orders"), [("order_id", "int"), ("amount", "int")]))));
        var without = GuardianAnalyzer.Analyze(await b.ReadAsync(), new GuardianOptions { Include = ["models"] });

        var comparison = AnalysisComparison.Compare(without, withCatalog);

        Assert.Contains(comparison.Warnings, w => w.Contains("catalog.json", StringComparison.Ordinal));
        Assert.Contains(comparison.Warnings, w => w.Contains("different resources", StringComparison.Ordinal));
        Assert.Empty(AnalysisComparison.Compare(withCatalog, withCatalog).Warnings);
    }

    [Fact]
    public async Task Compare_PreviousRunWithoutRecordedFilters_SaysTheFiguresMayCoverDifferentResources()
    {
        var current = GuardianAnalyzer.Analyze(await new ManifestBuilder().Model("orders", ["order_id"]).ReadAsync());

        var comparison = AnalysisComparison.Compare(current with { Scope = null }, current);

        Assert.Equal(["one run does not record its filters (--include, --exclude, --include-packages); the figures may cover different resources."], comparison.Warnings);
    }
}
