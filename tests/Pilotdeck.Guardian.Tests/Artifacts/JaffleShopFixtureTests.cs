using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Artifacts;

public sealed class JaffleShopFixtureTests
{
    [Theory]
    [MemberData(nameof(Fixtures.AllManifests), MemberType = typeof(Fixtures))]
    public async Task ReadAsync_EveryManifestVersion_LoadsModelsAndAttachesEveryTest(string manifest)
    {
        var project = await Fixtures.ReadAsync(manifest);

        Assert.NotNull(project.Manifest.SchemaVersion);
        Assert.InRange(project.Manifest.SchemaVersion!.Value, 1, 12);
        Assert.Equal("jaffle_shop", project.Manifest.ProjectName);
        Assert.Empty(project.Warnings);
        Assert.Contains(project.Resources, r => r.ResourceType == DbtResourceType.Model && r.PackageName == "jaffle_shop");
        Assert.NotEmpty(project.Tests);
        // attached_node exists only from v9; before that depends_on must find the owner.
        Assert.All(project.Tests, t => Assert.Single(t.AttachedTo));
    }

    [Theory]
    [InlineData("v12/jaffle_shop/manifest_1.11.json", "catalog_1.11.json")]
    [InlineData("v12/jaffle_shop/manifest_1.12.json", "catalog_1.12.json")]
    public async Task ReadAsync_ManifestWithItsCatalog_AddsWarehouseColumnsAndTypes(string manifest, string catalog)
    {
        var project = await Fixtures.ReadAsync(manifest, catalog);

        Assert.True(project.HasCatalog);
        var orders = project.Find("model.jaffle_shop.orders")!;
        // 7 declared in orders.yml + 7 more the warehouse has (12 in the catalog, plus 2 declared-only).
        Assert.Equal("TIMESTAMP", orders.FindColumn("ordered_at")!.DataType);
        Assert.True(orders.FindColumn("order_total")!.Declared);
        Assert.False(orders.FindColumn("subtotal_cents")!.Declared);
        Assert.True(orders.FindColumn("subtotal_cents")!.InWarehouse);
    }

    /// <summary>
    /// dbt 1.0 (schema v4), worked out from the JSON: models orders (9 declared columns),
    /// stg_customers (1), stg_orders (2), stg_payments (2), test_insert_overwrite (0); the customers
    /// model and its two tests are disabled. 18 enabled tests cover every column but
    /// orders.order_date → 13/14 columns. Four models have tests and all four have unique +
    /// not_null on their key → 4/5 models, 4/5 primary keys. No unit tests in v4.
    /// The only gap: order_date matches *_date → not_null, priority 4.
    /// </summary>
    [Fact]
    public async Task AnalyzeAsync_JaffleShopV4_MatchesHandCountedCoverageAndGaps()
    {
        await using var manifest = File.OpenRead(Fixtures.Manifest("v4/jaffle_shop/manifest.json"));

        var analysis = await GuardianAnalyzer.AnalyzeAsync(manifest, null);

        Assert.Equal(4, analysis.Project.SchemaVersion);
        Assert.Equal(5, analysis.Project.Models);
        Assert.Equal(3, analysis.Project.Seeds);
        Assert.Equal(18, analysis.Project.DataTests);
        Assert.Equal((13, 14), (analysis.Coverage.Columns.Covered, analysis.Coverage.Columns.Total));
        Assert.Equal((4, 5), (analysis.Coverage.Models.Covered, analysis.Coverage.Models.Total));
        Assert.Equal((4, 5), (analysis.Coverage.PrimaryKeys.Covered, analysis.Coverage.PrimaryKeys.Total));
        Assert.Equal((0, 5), (analysis.Coverage.UnitTests.Covered, analysis.Coverage.UnitTests.Total));
        var orders = analysis.Coverage.Resources.Single(r => r.Name == "orders");
        Assert.Equal((8, 9, 10), (orders.Columns.Covered, orders.Columns.Total, orders.DataTests));

        var gap = Assert.Single(analysis.Gaps);
        Assert.Equal(("orders", "order_date", "not_null", 4, "timestamp"), (gap.Model, gap.Column, gap.Test, gap.Priority, gap.Rule));
    }

    /// <summary>
    /// dbt 1.10 (schema v12, no catalog). 13 models; 25 declared columns: stg_* have their key
    /// (stg_order_items also order_id), customers 9, orders 7, order_items 2; supplies, products,
    /// locations and metricflow_time_spine declare none. 27 tests: every key has unique + not_null
    /// (9 models), plus stg_order_items.order_id (not_null, relationships), order_items.order_id
    /// (relationships), orders.customer_id (relationships), customers.customer_type
    /// (accepted_values) and four model-level expression_is_true. Covered: 9 keys + stg_order_items.order_id
    /// + order_items.order_id + orders.customer_id + customers.customer_type = 13, plus the declared
    /// columns the expressions name (customers.lifetime_spend_pretax, lifetime_tax_paid, lifetime_spend;
    /// orders.order_total) = 17/25.
    /// Unit tests exist for stg_locations, orders and order_items → 3/13.
    /// Gaps: order_items.order_id lacks the not_null stg_order_items.order_id has (P2, learned; key
    /// columns teach nothing, so orders.order_id does not count); three *_at columns (P4); nine
    /// untested columns of customers and orders, minus the four the expressions test (P5).
    /// </summary>
    [Fact]
    public async Task AnalyzeAsync_JaffleShopDbt110_MatchesHandCountedCoverageAndGaps()
    {
        await using var manifest = File.OpenRead(Fixtures.Manifest("v12/jaffle_shop/manifest_1.10.json"));

        var analysis = await GuardianAnalyzer.AnalyzeAsync(manifest, null);

        Assert.Equal(27, analysis.Project.DataTests);
        Assert.Equal(3, analysis.Project.UnitTests);
        Assert.Equal((17, 25), (analysis.Coverage.Columns.Covered, analysis.Coverage.Columns.Total));
        Assert.Equal((9, 13), (analysis.Coverage.Models.Covered, analysis.Coverage.Models.Total));
        Assert.Equal((9, 13), (analysis.Coverage.PrimaryKeys.Covered, analysis.Coverage.PrimaryKeys.Total));
        Assert.Equal((3, 13), (analysis.Coverage.UnitTests.Covered, analysis.Coverage.UnitTests.Total));

        string[] expected =
        [
            "2 order_items.order_id not_null (stg_order_items)",
            "4 customers.first_ordered_at not_null ()",
            "4 customers.last_ordered_at not_null ()",
            "4 orders.ordered_at not_null ()",
            "5 customers.customer_name not_null ()",
            "5 customers.count_lifetime_orders not_null ()",
            "5 orders.order_cost not_null ()",
            "5 orders.is_food_order not_null ()",
            "5 orders.is_drink_order not_null ()",
        ];
        Assert.Equal(expected, analysis.Gaps.Select(g => $"{g.Priority} {g.Model}.{g.Column} {g.Test} ({g.LearnedFrom})"));
        Assert.EndsWith("as in model stg_order_items", analysis.Gaps[0].Rationale);
    }

    [Fact]
    public async Task AnalyzeAsync_Dbt111WithCatalog_SuggestsKeysForUntestedMartsFromTheirStagingModels()
    {
        await using var manifest = File.OpenRead(Fixtures.Manifest("v12/jaffle_shop/manifest_1.11.json"));
        await using var catalog = File.OpenRead(Fixtures.Catalog("catalog_1.11.json"));

        var analysis = await GuardianAnalyzer.AnalyzeAsync(manifest, catalog);

        var priorityOne = analysis.Gaps.Where(g => g.Priority == 1 && g.ModelId.StartsWith("model.", StringComparison.Ordinal)).Select(g => $"{g.Model}.{g.Column} {g.Test}").ToArray();
        Assert.Equal(
            ["locations.location_id unique", "locations.location_id not_null", "products.product_id unique", "products.product_id not_null", "supplies.supply_uuid unique", "supplies.supply_uuid not_null"],
            priorityOne);
        var fk = analysis.Gaps.Single(g => g.Model == "orders" && g.Column == "location_id" && g.Test == "relationships");
        Assert.Equal("ref('locations')", fk.Arguments["to"]);
        Assert.Equal("location_id", fk.Arguments["field"]);
        // Sources get key suggestions too, named source.table.
        Assert.Contains(analysis.Gaps, g => g.Model == "ecom.raw_orders" && g.Column == "id" && g.Test == "unique");
    }

    [Fact]
    public async Task AnalyzeAsync_ManifestWithInstalledPackage_MeasuresOnlyTheRootProjectByDefault()
    {
        var project = await Fixtures.ReadAsync("v11/jaffle_shop/manifest.json");

        var rootOnly = GuardianAnalyzer.Analyze(project);
        var all = GuardianAnalyzer.Analyze(project, new Pilotdeck.Guardian.Configuration.GuardianOptions { IncludePackages = true });

        Assert.Equal(5, rootOnly.Coverage.Models.Total);
        Assert.Equal(35, all.Coverage.Models.Total);
        Assert.Equal(["jaffle_shop", "elementary"], all.Project.Packages);
    }
}
