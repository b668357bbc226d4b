using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Artifacts;

public sealed class ReadLimitsTests
{
    private static ManifestBuilder ThreeModels() => new ManifestBuilder("shop")
        .Model("orders", ["order_id", "customer_id"])
        .Model("customers", ["customer_id"])
        .Model("payments", ["payment_id", "order_id", "amount"]);

    [Fact]
    public async Task ReadAsync_AtTheLimits_ReadsEverything()
    {
        var project = await ManifestReader.ReadAsync(ThreeModels().Stream(), null, new ReadLimits(MaxNodes: 3, MaxColumns: 6));

        Assert.Equal(3, project.Resources.Count);
    }

    [Fact]
    public async Task ReadAsync_OneNodeOverTheLimit_StopsWithNodesBudget()
    {
        var ex = await Assert.ThrowsAsync<ArtifactBudgetExceededException>(() =>
            ManifestReader.ReadAsync(ThreeModels().Stream(), null, new ReadLimits(MaxNodes: 2, MaxColumns: 100)));

        Assert.Equal(("manifest.json", "nodes", 2), (ex.Artifact, ex.Budget, ex.Limit));
    }

    [Fact]
    public async Task ReadAsync_NodeBudgetCrossed_ThrowsBeforeReadingTheRest()
    {
        // Garbage after the third node: reading to the end first would report a format error.
        var json = ThreeModels().Json();
        var broken = json[..(json.IndexOf("model.shop.payments", StringComparison.Ordinal) + 25)] + "{oops";

        var ex = await Assert.ThrowsAsync<ArtifactBudgetExceededException>(() =>
            ManifestReader.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(broken)), null, new ReadLimits(MaxNodes: 1, MaxColumns: 100)));

        Assert.Equal("nodes", ex.Budget);
    }

    [Fact]
    public async Task ReadAsync_CatalogColumnsCountWithDeclaredOnes()
    {
        var catalog = ManifestBuilder.Catalog(("model.shop.orders", [("order_id", "integer"), ("customer_id", "integer"), ("ordered_at", "timestamp")]));

        var ex = await Assert.ThrowsAsync<ArtifactBudgetExceededException>(() =>
            ManifestReader.ReadAsync(ThreeModels().Stream(), catalog, new ReadLimits(MaxNodes: 10, MaxColumns: 8)));

        Assert.Equal(("catalog.json", "columns", 8), (ex.Artifact, ex.Budget, ex.Limit));
    }
}
