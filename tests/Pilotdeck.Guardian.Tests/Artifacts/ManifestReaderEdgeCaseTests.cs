using System.Text;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Coverage;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Artifacts;

public sealed class ManifestReaderEdgeCaseTests
{
    [Fact]
    public async Task ReadAsync_UniqueCombinationOfColumns_CoversEachColumnAndProvesThePrimaryKey()
    {
        var b = new ManifestBuilder();
        b.Model("order_lines", ["order_id", "line_no", "sku"])
            .Test("ucc", "unique_combination_of_columns", b.ModelId("order_lines"), null,
                new() { ["combination_of_columns"] = new[] { "order_id", "line_no" } }, testNamespace: "dbt_utils");

        var project = await b.ReadAsync();
        var model = project.Find(b.ModelId("order_lines"))!;

        Assert.Single(model.FindColumn("order_id")!.Tests);
        Assert.Single(model.FindColumn("line_no")!.Tests);
        Assert.Empty(model.FindColumn("sku")!.Tests);
        Assert.Equal("dbt_utils.unique_combination_of_columns", model.Tests[0].QualifiedName);
        Assert.True(CoverageCalculator.IsPrimaryKeyTested(model));
    }

    [Fact]
    public async Task ReadAsync_SourceTestWithoutAttachedNode_AttachesThroughDependsOn()
    {
        var b = new ManifestBuilder();
        b.Source("ecom", "raw_orders", ["id", "status"]);
        var sourceId = $"source.{b.Project}.ecom.raw_orders";
        b.Test("src_unique", "unique", sourceId, "id", attached: false);

        var project = await b.ReadAsync();

        var source = project.Find(sourceId)!;
        Assert.Equal(DbtResourceType.Source, source.ResourceType);
        Assert.Equal("ecom", source.SourceName);
        Assert.Single(source.FindColumn("id")!.Tests);
    }

    [Fact]
    public async Task ReadAsync_RelationshipsWithoutAttachedNode_BelongsToTheLastDependency()
    {
        var b = new ManifestBuilder(dbtVersion: "1.4.0", schemaVersion: 8);
        b.Model("customers", ["customer_id"]).Model("orders", ["order_id", "customer_id"])
            .Test("rel", "relationships", b.ModelId("orders"), "customer_id",
                new() { ["to"] = "ref('customers')", ["field"] = "customer_id" }, attached: false,
                dependsOn: [b.ModelId("customers"), b.ModelId("orders")]);

        var project = await b.ReadAsync();

        Assert.Empty(project.Find(b.ModelId("customers"))!.Tests);
        var test = Assert.Single(project.Find(b.ModelId("orders"))!.FindColumn("customer_id")!.Tests);
        Assert.Equal("ref('customers')", test.Arguments["to"]);
    }

    [Fact]
    public async Task ReadAsync_QuotedAndUpperCaseColumnNames_MatchCaseInsensitively()
    {
        var b = new ManifestBuilder();
        b.Model("orders", ["\"ORDER_ID\"", "Status"])
            .Test("nn", "not_null", b.ModelId("orders"), "order_id")
            .Test("av", "accepted_values", b.ModelId("orders"), "\"STATUS\"", new() { ["values"] = new[] { "a" } });
        var catalog = new MemoryStream(Encoding.UTF8.GetBytes("""
            {"metadata": {}, "nodes": {"MODEL": {"unique_id": "MODEL",
              "columns": {"ORDER_ID": {"name": "ORDER_ID", "type": "NUMBER", "index": 1},
                          "STATUS": {"name": "STATUS", "type": "TEXT", "index": 2}}}}, "sources": {}}
            """.Replace("MODEL", b.ModelId("orders"), StringComparison.Ordinal)));

        var project = await b.ReadAsync(catalog);
        var orders = project.Find(b.ModelId("orders"))!;

        Assert.Equal(2, orders.Columns.Count);
        Assert.Equal("ORDER_ID", orders.Columns[0].Name);
        Assert.Equal("NUMBER", orders.FindColumn("order_id")!.DataType);
        Assert.All(orders.Columns, c => Assert.Single(c.Tests));
    }

    [Fact]
    public async Task ReadAsync_ColumnNameAsList_CoversEveryListedColumn()
    {
        var b = new ManifestBuilder();
        b.Model("events", ["a", "b", "c"])
            .Test("nn_ab", "not_null", b.ModelId("events"), new[] { "a", "b" });

        var project = await b.ReadAsync();
        var events = project.Find(b.ModelId("events"))!;

        Assert.Equal([1, 1, 0], events.Columns.Select(c => c.Tests.Count));
    }

    [Fact]
    public async Task ReadAsync_DisabledTest_DoesNotCount()
    {
        var b = new ManifestBuilder();
        b.Model("orders", ["order_id"])
            .Test("u", "unique", b.ModelId("orders"), "order_id", enabled: false)
            .Test("nn", "not_null", b.ModelId("orders"), "order_id");

        var project = await b.ReadAsync();

        Assert.Single(project.Tests);
        Assert.Equal("not_null", Assert.Single(project.Find(b.ModelId("orders"))!.Tests).TestName);
    }

    [Fact]
    public async Task ReadAsync_UnitTestsAndSingularTests_AttachToTheirModels()
    {
        var b = new ManifestBuilder();
        b.Model("orders", ["order_id"]).Model("payments", ["payment_id"])
            .UnitTest("computes_totals", "orders")
            .SingularTest("assert_payments_match_orders", b.ModelId("orders"), b.ModelId("payments"));

        var project = await b.ReadAsync();
        var analysis = GuardianAnalyzer.Analyze(project);

        Assert.Equal("computes_totals", Assert.Single(project.Find(b.ModelId("orders"))!.UnitTests).Name);
        Assert.Equal((1, 2), (analysis.Coverage.UnitTests.Covered, analysis.Coverage.UnitTests.Total));
        // A singular test is a model-level test of every model it reads.
        Assert.Equal((2, 2), (analysis.Coverage.Models.Covered, analysis.Coverage.Models.Total));
        Assert.Equal((0, 2), (analysis.Coverage.Columns.Covered, analysis.Coverage.Columns.Total));
    }

    [Fact]
    public async Task ReadAsync_PrimaryKeyConstraintPlusUnique_ProvesThePrimaryKey()
    {
        var b = new ManifestBuilder();
        b.Model("accounts", ["account_id"], constraints: [new { type = "primary_key", columns = new[] { "account_id" } }])
            .Test("u", "unique", b.ModelId("accounts"), "account_id");

        var project = await b.ReadAsync();

        Assert.True(CoverageCalculator.IsPrimaryKeyTested(project.Find(b.ModelId("accounts"))!));
    }

    [Fact]
    public async Task AnalyzeAsync_EmptyProject_ReportsNothingMeasurableAndNoGaps()
    {
        var analysis = await GuardianAnalyzer.AnalyzeAsync(new ManifestBuilder().Stream(), null);

        Assert.Equal(0, analysis.Coverage.Columns.Total);
        Assert.Equal(0, analysis.Coverage.Models.Total);
        Assert.False(analysis.Coverage.Columns.IsMeasurable);
        Assert.Null(analysis.Coverage.Columns.Measured);
        Assert.Empty(analysis.Gaps);
    }

    [Fact]
    public async Task ReadAsync_FusionManifestWithUnknownFields_IgnoresThem()
    {
        var json = """
            {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "2.0.0-preview.45",
                          "project_name": "f", "fusion": {"nested": [1, {"x": null}]}},
             "nodes": {"model.f.m": {"unique_id": "model.f.m", "resource_type": "model", "name": "m", "package_name": "f",
                       "original_file_path": "models/m.sql", "__new_field__": {"a": [[], {}]}, "columns": {"id": {"name": "id", "granularity": "day"}}}},
             "functions": {"function.f.x": {}}}
            """;

        var project = await ManifestReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), null);

        Assert.Equal(new Version(2, 0), project.Manifest.DbtRelease);
        Assert.Equal("id", Assert.Single(Assert.Single(project.Resources).Columns).Name);
    }

    [Fact]
    public async Task ReadAsync_EntryLargerThanTheReadBuffer_GrowsTheBuffer()
    {
        var b = new ManifestBuilder();
        b.Model("wide", Enumerable.Range(0, 40_000).Select(i => $"column_with_a_long_name_{i}").ToArray());

        var project = await b.ReadAsync();

        Assert.Equal(40_000, Assert.Single(project.Resources).Columns.Count);
    }
}
