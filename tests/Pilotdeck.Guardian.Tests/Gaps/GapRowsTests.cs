using Pilotdeck.Guardian.Gaps;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Gaps;

public sealed class GapRowsTests
{
    private static async Task<IReadOnlyList<Gap>> UntestedShopGaps()
    {
        var b = new ManifestBuilder();
        b.Model("customers", ["customer_id", "name", "email", "phone", "city", "country", "zip"])
            .Model("orders", ["order_id", "amount"]);
        return GuardianAnalyzer.Analyze(await b.ReadAsync()).Gaps;
    }

    [Fact]
    public async Task Build_KeyWithUniqueAndNotNull_IsOneRow()
    {
        var rows = GapRows.Build(await UntestedShopGaps(), expand: false);

        var key = Assert.Single(rows, r => r.Model == "customers" && r.Column == "customer_id");
        Assert.Equal("unique + not_null", key.Test);
        Assert.Equal(2, key.Members.Count);
    }

    [Fact]
    public async Task Build_GenericNotNullGaps_AreSummarisedPerModelUnlessExpanded()
    {
        var gaps = await UntestedShopGaps();

        var summary = GapRows.Build(gaps, expand: false);
        var expanded = GapRows.Build(gaps, expand: true);

        var customers = Assert.Single(summary, r => r.Model == "customers" && r.Priority == 5);
        Assert.Equal("6 columns", customers.Column);
        Assert.Equal("no tests on name, email, phone, city, country and 1 more (--expand lists them)", customers.Rationale);
        // A model with one such column keeps its ordinary row.
        Assert.Equal("amount", Assert.Single(summary, r => r.Model == "orders" && r.Priority == 5).Column);
        Assert.Equal(7, expanded.Count(r => r.Priority == 5));
        Assert.Equal(gaps.Count, summary.Sum(r => r.Members.Count));
    }
}
