using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Gaps;

public sealed class GapDetectorTests
{
    private static ManifestBuilder UntestedShop()
    {
        var b = new ManifestBuilder();
        return b.Model("customers", ["customer_id", "name", "created_at"], directory: "models/marts")
            .Model("orders", ["order_id", "customer_id", "warehouse_id", "status", "ordered_at", "amount"], directory: "models/marts");
    }

    [Fact]
    public async Task Detect_ProjectWithNoTests_AppliesTheBuiltInRulesInPriorityOrder()
    {
        var analysis = GuardianAnalyzer.Analyze(await UntestedShop().ReadAsync());

        string[] expected =
        [
            "1 customers.customer_id unique",
            "1 customers.customer_id not_null",
            "1 orders.order_id unique",
            "1 orders.order_id not_null",
            "2 orders.customer_id relationships to=ref('customers') field=customer_id",
            "2 orders.warehouse_id relationships to=ref('FILL_IN_model_owning_warehouse_id') field=FILL_IN_its_key_column",
            "3 orders.status accepted_values values=FILL_IN_value",
            "4 customers.created_at not_null",
            "4 orders.ordered_at not_null",
            "5 customers.name not_null",
            "5 orders.amount not_null",
        ];
        Assert.Equal(expected, analysis.Gaps.Select(g =>
            $"{g.Priority} {g.Model}.{g.Column} {g.Test}" +
            string.Concat(g.Arguments.Select(a => $" {a.Key}={(a.Value is List<object?> l ? string.Join(",", l) : a.Value)}"))));
        Assert.All(analysis.Gaps, g => Assert.False(string.IsNullOrWhiteSpace(g.Rationale)));
        // What Guardian cannot know is marked incomplete, so it is never written as an active test.
        Assert.Equal(["warehouse_id", "status"], analysis.Gaps.Where(g => !g.IsComplete).Select(g => g.Column));
    }

    [Fact]
    public async Task Detect_PatternTestedElsewhere_SuggestsItWithTheSameArgumentsAndNamesTheModel()
    {
        var b = UntestedShop();
        b.Model("returns", ["return_id", "status"], directory: "models/marts", dependsOn: [b.ModelId("orders")])
            .Test("av", "accepted_values", b.ModelId("returns"), "status", new() { ["values"] = new[] { "open", "closed" } });
        var catalog = ManifestBuilder.Catalog(
            (b.ModelId("orders"), [("status", "VARCHAR")]),
            (b.ModelId("returns"), [("status", "varchar(20)")]));

        var analysis = GuardianAnalyzer.Analyze(await b.ReadAsync(catalog));

        var gap = analysis.Gaps.Single(g => g.Model == "orders" && g.Column == "status");
        Assert.Equal("returns", gap.LearnedFrom);
        Assert.Equal(new List<object?> { "open", "closed" }, gap.Arguments["values"]);
        Assert.Contains("as in model returns", gap.Rationale);
        Assert.Equal(3, gap.Priority);
    }

    [Fact]
    public async Task Detect_GuardianYmlRules_ReprioritizeDisableAndIgnore()
    {
        var options = GuardianConfigLoader.Parse("""
            priority: 4
            ignore:
              models: [cust*]
              columns: ["orders.warehouse_id"]
            rules:
              timestamp:
                priority: 2
              accepted_values:
                enabled: false
            """);

        var analysis = GuardianAnalyzer.Analyze(await UntestedShop().ReadAsync(), options);

        Assert.DoesNotContain(analysis.Gaps, g => g.Model == "customers" || g.Column == "warehouse_id" || g.Column == "status");
        Assert.DoesNotContain(analysis.Gaps, g => g.Priority == 5);
        Assert.Equal(2, analysis.Gaps.Single(g => g.Column == "ordered_at").Priority);
        // The other rules keep their built-in patterns when only one field changes.
        Assert.Equal(1, analysis.Gaps.First().Priority);
    }

    [Fact]
    public void Parse_UnknownRule_FailsWithTheKnownNames()
    {
        var ex = Assert.Throws<GuardianConfigException>(() => GuardianConfigLoader.Parse("rules:\n  primary_keys:\n    priority: 1\n"));

        Assert.Contains("primary_key", ex.Message);
    }

    [Fact]
    public void Parse_UnknownKey_ReportsTheLine()
    {
        var ex = Assert.Throws<GuardianConfigException>(() => GuardianConfigLoader.Parse("priority: 3\nincldue: [models]\n"));

        Assert.Contains("line 2", ex.Message);
    }

    [Fact]
    public async Task Analyze_IncludeAndExcludeFilters_LimitTheScope()
    {
        var b = UntestedShop();
        b.Model("stg_orders", ["order_id"], directory: "models/staging");
        var project = await b.ReadAsync();

        var staging = GuardianAnalyzer.Analyze(project, new GuardianOptions { Include = ["models/staging"] });
        var notOrders = GuardianAnalyzer.Analyze(project, new GuardianOptions { Exclude = ["models/**/orders.sql"] });

        Assert.Equal(["stg_orders"], staging.Coverage.Resources.Select(r => r.Name));
        Assert.Equal(["customers", "stg_orders"], notOrders.Coverage.Resources.Select(r => r.Name));
        Assert.Equal(["models/marts", "models/staging"], notOrders.Coverage.Directories.Select(d => d.Key));
    }
}
