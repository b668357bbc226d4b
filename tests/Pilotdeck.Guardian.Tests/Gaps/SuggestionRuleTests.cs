using Pilotdeck.Guardian.Gaps;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Gaps;

/// <summary>Each rule of a correct suggestion, on a small manifest that produced the wrong one before.</summary>
public sealed class SuggestionRuleTests
{
    private static async Task<IReadOnlyList<Gap>> Gaps(ManifestBuilder b, Stream? catalog = null) =>
        GuardianAnalyzer.Analyze(await b.ReadAsync(catalog)).Gaps;

    private static string[] On(IReadOnlyList<Gap> gaps, string model, string column) =>
        gaps.Where(g => g.Model == model && g.Column == column).Select(g => g.Test).ToArray();

    [Fact]
    public async Task Detect_KeyTestedAsCombination_NeverSuggestsUniqueOnAMember()
    {
        var b = new ManifestBuilder();
        b.Model("order_items", ["order_id", "line_number", "sku"])
            .Test("combo", "unique_combination_of_columns", b.ModelId("order_items"), null,
                new() { ["combination_of_columns"] = new[] { "order_id", "line_number" } }, testNamespace: "dbt_utils");

        var gaps = await Gaps(b);

        Assert.DoesNotContain(gaps, g => g.Test == "unique");
        Assert.Equal(["not_null"], On(gaps, "order_items", "order_id"));
        Assert.Contains("composite key (order_id, line_number)", gaps.First(g => g.Column == "order_id").Rationale);
        Assert.DoesNotContain(gaps, g => g.ModelLevel);
    }

    [Fact]
    public async Task Detect_DbtExpectationsCompoundTest_CountsAsTheCompositeKey()
    {
        var b = new ManifestBuilder();
        b.Model("order_items", ["order_id", "line_number"])
            .Test("compound", "expect_compound_columns_to_be_unique", b.ModelId("order_items"), null,
                new() { ["column_list"] = new[] { "order_id", "line_number" } }, testNamespace: "dbt_expectations");

        var project = await b.ReadAsync();
        var gaps = GuardianAnalyzer.Analyze(project).Gaps;

        Assert.DoesNotContain(gaps, g => g.Test == "unique");
        Assert.True(Pilotdeck.Guardian.Coverage.CoverageCalculator.IsPrimaryKeyTested(project.Find(b.ModelId("order_items"))!));
    }

    [Fact]
    public async Task Detect_IncrementalUniqueKeyList_SuggestsTheCombinationTestOfAnInstalledPackage()
    {
        var b = new ManifestBuilder().Package("dbt_utils");
        b.Model("daily_sales", ["store_id", "sale_date", "amount"], uniqueKey: new[] { "store_id", "sale_date" });

        var gaps = await Gaps(b);

        var combination = Assert.Single(gaps, g => g.ModelLevel);
        Assert.Equal("dbt_utils.unique_combination_of_columns", combination.Test);
        Assert.Equal(new List<object?> { "store_id", "sale_date" }, combination.Arguments["combination_of_columns"]);
        Assert.True(combination.IsComplete);
        Assert.Equal(1, combination.Priority);
        Assert.Equal(["not_null"], On(gaps, "daily_sales", "store_id"));
        Assert.DoesNotContain(gaps, g => g.Test is "unique" or "relationships");
    }

    [Fact]
    public async Task Detect_PrimaryKeyConstraintWithoutDbtUtils_LeavesTheCombinationTestIncomplete()
    {
        var b = new ManifestBuilder();
        b.Model("daily_sales", ["store_id", "sale_date"],
            constraints: [new Dictionary<string, object?> { ["type"] = "primary_key", ["columns"] = new[] { "store_id", "sale_date" } }]);

        var combination = Assert.Single(await Gaps(b), g => g.ModelLevel);

        Assert.False(combination.IsComplete);
        Assert.Contains("dbt_utils", combination.FillIn);
    }

    [Fact]
    public async Task Detect_IncrementalUniqueKeyString_IsThePrimaryKeyAndNotAForeignKey()
    {
        var b = new ManifestBuilder();
        b.Model("events", ["event_id", "payload"], uniqueKey: "event_id")
            .Model("event_counts", ["event_id", "n"], dependsOn: [b.ModelId("events")]);

        var gaps = await Gaps(b);

        Assert.Equal(["unique", "not_null"], On(gaps, "events", "event_id"));
        Assert.Contains("unique_key", gaps.First(g => g.Model == "events").Rationale);
        // event_counts is downstream of events: events.event_id must not point at it.
        Assert.DoesNotContain(gaps, g => g.Model == "events" && g.Test == "relationships");
    }

    [Fact]
    public async Task Detect_OnlyOwnerIsDownstream_LeavesTheRelationshipIncomplete()
    {
        var b = new ManifestBuilder();
        b.Model("orders", ["order_id", "customer_id"])
            .Model("customer_orders", ["customer_id", "order_count"], dependsOn: [b.ModelId("orders")])
            .Test("u", "unique", b.ModelId("customer_orders"), "customer_id");

        var relationship = (await Gaps(b)).Single(g => g.Model == "orders" && g.Test == "relationships");

        Assert.False(relationship.IsComplete);
        Assert.DoesNotContain("customer_orders", relationship.Arguments["to"] as string);
    }

    [Fact]
    public async Task Detect_KeyOwnedByFilteredAndFullModel_PointsAtTheUnfilteredOwner()
    {
        var b = new ManifestBuilder();
        b.Model("customers", ["customer_id"], directory: "models/core", sql: "select * from {{ ref('stg_customers') }}")
            .Model("vips", ["customer_id"], directory: "models/marts", sql: "select * from {{ ref('customers') }} where lifetime_spend > 1000 -- vip only")
            .Model("orders", ["order_id", "customer_id"], directory: "models/marts")
            .Test("u1", "unique", b.ModelId("customers"), "customer_id")
            .Test("u2", "unique", b.ModelId("vips"), "customer_id");

        var relationship = (await Gaps(b)).Single(g => g.Model == "orders" && g.Test == "relationships");

        Assert.Equal("ref('customers')", relationship.Arguments["to"]);
    }

    [Fact]
    public async Task Detect_AcceptedValuesOnUnrelatedModel_IsNotCopiedEvenWhenTypesAgree()
    {
        var b = new ManifestBuilder();
        b.Model("payments", ["payment_id", "tx_type"])
            .Model("transfers", ["transfer_id", "tx_type"])
            .Test("av", "accepted_values", b.ModelId("payments"), "tx_type", new() { ["values"] = new[] { "card", "cash" } });
        var catalog = ManifestBuilder.Catalog((b.ModelId("payments"), [("tx_type", "text")]), (b.ModelId("transfers"), [("tx_type", "text")]));

        var gap = (await Gaps(b, catalog)).Single(g => g.Model == "transfers" && g.Column == "tx_type");

        Assert.Null(gap.LearnedFrom);
        Assert.False(gap.IsComplete);
    }

    [Fact]
    public async Task Detect_AcceptedValuesUpstreamWithoutCatalog_IsNotCopied()
    {
        var b = new ManifestBuilder();
        b.Model("stg_orders", ["order_id", "status"])
            .Model("orders", ["order_id", "status"], dependsOn: [b.ModelId("stg_orders")])
            .Test("av", "accepted_values", b.ModelId("stg_orders"), "status", new() { ["values"] = new[] { "placed" } });

        var gap = (await Gaps(b)).Single(g => g.Model == "orders" && g.Column == "status");

        Assert.Null(gap.LearnedFrom);
    }

    [Fact]
    public async Task Detect_ContradictoryTypeTests_OnlyTheOneTheCatalogConfirmsIsSuggested()
    {
        var b = new ManifestBuilder();
        b.Model("a", ["a_id", "amount"]).Model("b", ["b_id", "amount"]).Model("c", ["c_id", "amount"])
            .Test("ta", "expect_column_values_to_be_of_type", b.ModelId("a"), "amount", new() { ["column_type"] = "numeric" }, testNamespace: "dbt_expectations")
            .Test("tb", "expect_column_values_to_be_of_type", b.ModelId("b"), "amount", new() { ["column_type"] = "varchar" }, testNamespace: "dbt_expectations");
        var catalog = ManifestBuilder.Catalog(
            (b.ModelId("a"), [("amount", "NUMERIC(10,2)")]), (b.ModelId("b"), [("amount", "VARCHAR")]), (b.ModelId("c"), [("amount", "numeric")]));

        var withCatalog = await Gaps(b, catalog);
        var without = await Gaps(b);

        var typeTest = Assert.Single(withCatalog, g => g.Model == "c" && g.Test.Contains("of_type", StringComparison.Ordinal));
        Assert.Equal("numeric", typeTest.Arguments["column_type"]);
        Assert.DoesNotContain(without, g => g.Model == "c" && g.Test.Contains("of_type", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Detect_LearnedRelationshipToADownstreamOrNonOwningModel_IsNotCopied()
    {
        var b = new ManifestBuilder();
        b.Model("customers", ["customer_id"])
            .Model("orders", ["order_id", "customer_id"], dependsOn: [b.ModelId("customers")])
            .Model("customer_summary", ["customer_id"], dependsOn: [b.ModelId("orders")])
            .Model("refunds", ["refund_id", "customer_id"])
            .Test("rel", "relationships", b.ModelId("refunds"), "customer_id", new() { ["to"] = "ref('orders')", ["field"] = "customer_id" })
            .Test("u", "unique", b.ModelId("customers"), "customer_id");

        var gaps = await Gaps(b);

        // refunds' test points at orders, which neither owns customer_id nor may be used by customers (downstream).
        Assert.DoesNotContain(gaps, g => g.Model == "customers" && g.Test == "relationships");
        var summary = gaps.Single(g => g.Model == "customer_summary" && g.Test == "relationships");
        Assert.Equal("ref('customers')", summary.Arguments["to"]);
    }

    [Fact]
    public async Task Detect_Sources_GetKeyAndTimestampSuggestionsButNoRelationships()
    {
        var b = new ManifestBuilder().Source("shop", "raw_orders", ["id", "customer_id", "ordered_at"]);
        b.Model("customers", ["customer_id"]).Test("u", "unique", b.ModelId("customers"), "customer_id")
            .Model("orders", ["order_id", "customer_id"])
            .Test("rel", "relationships", b.ModelId("orders"), "customer_id", new() { ["to"] = "ref('customers')", ["field"] = "customer_id" });

        var gaps = (await Gaps(b)).Where(g => g.Model == "shop.raw_orders").Select(g => $"{g.Column} {g.Test}");

        // Not even the relationship orders.customer_id already has is copied to the source.
        Assert.Equal(["id unique", "id not_null", "ordered_at not_null", "customer_id not_null"], gaps);
    }
}
