using System.Text;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Artifacts;

public sealed class BadInputTests
{
    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task ReadAsync_NotJson_ReportsLineAndOffset()
    {
        var ex = await Assert.ThrowsAsync<ArtifactFormatException>(() =>
            ManifestReader.ReadAsync(Utf8("<!DOCTYPE html>\n<html></html>"), null));

        Assert.Equal("manifest.json", ex.Artifact);
        Assert.Equal(1, ex.Line);
        Assert.Equal(0, ex.ByteOffset);
        Assert.Contains("line 1", ex.Message);
    }

    [Fact]
    public async Task ReadAsync_InvalidTokenDeepInTheFile_ReportsWhereItBroke()
    {
        var json = "{\"metadata\": {},\n \"nodes\": {\n  \"model.a.b\": {\"name\": \"b\",\n   \"columns\": {oops}}}}";

        var ex = await Assert.ThrowsAsync<ArtifactFormatException>(() => ManifestReader.ReadAsync(Utf8(json), null));

        Assert.Equal(4, ex.Line);
        Assert.Contains("line 4", ex.Message);
    }

    [Fact]
    public async Task ReadAsync_TruncatedManifest_SaysItIsTruncated()
    {
        var full = await File.ReadAllBytesAsync(Fixtures.Manifest("v10/jaffle_shop/manifest.json"));
        var truncated = full.AsSpan(0, full.Length / 2).ToArray();

        var ex = await Assert.ThrowsAsync<ArtifactFormatException>(() => ManifestReader.ReadAsync(new MemoryStream(truncated), null));

        Assert.Contains("truncated", ex.Message);
        Assert.Equal(truncated.Length, ex.ByteOffset);
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_SaysItIsEmpty()
    {
        var ex = await Assert.ThrowsAsync<ArtifactFormatException>(() => ManifestReader.ReadAsync(new MemoryStream(), null));

        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public async Task ReadAsync_CatalogPassedAsManifest_SaysWhichFileIsExpected()
    {
        await using var catalog = File.OpenRead(Fixtures.Catalog("catalog_1.11.json"));

        var ex = await Assert.ThrowsAsync<ArtifactFormatException>(() => ManifestReader.ReadAsync(catalog, null));

        Assert.Contains("catalog.json", ex.Message);
        Assert.Contains("manifest.json", ex.Message);
    }

    [Fact]
    public async Task ReadAsync_CatalogFromAnotherProject_IsIgnoredWithAWarning()
    {
        var b = new ManifestBuilder();
        b.Model("orders", ["order_id"]);
        var foreign = Utf8("""{"metadata": {}, "nodes": {"model.other.x": {"unique_id": "model.other.x", "columns": {"a": {"name": "a", "type": "INT"}}}}, "sources": {}}""");

        var project = await b.ReadAsync(foreign);

        Assert.False(project.HasCatalog);
        Assert.Contains(project.Warnings, w => w.Contains("does not belong to this manifest"));
        Assert.Single(project.Find(b.ModelId("orders"))!.Columns);
    }

    [Fact]
    public async Task ReadAsync_StaleCatalog_WarnsAndUsesTheMatchingTables()
    {
        // The dbt 1.9 catalog also lists stg_payments and elementary models that the 1.11 project no longer has.
        var project = await Fixtures.ReadAsync("v12/jaffle_shop/manifest_1.11.json", "catalog.json");

        Assert.True(project.HasCatalog);
        Assert.Contains(project.Warnings, w => w.Contains("stale"));
    }

    [Fact]
    public async Task ReadAsync_SchemaNewerThanKnown_LoadsLenientlyWithAWarning()
    {
        var b = new ManifestBuilder(dbtVersion: "1.13.0", schemaVersion: 13);
        b.Model("orders", ["order_id"]);

        var project = await b.ReadAsync();

        Assert.Equal(13, project.Manifest.SchemaVersion);
        Assert.Single(project.Resources);
        Assert.Contains(project.Warnings, w => w.Contains("v13") && w.Contains("newer"));
    }

    [Fact]
    public async Task ReadAsync_TopLevelArray_SaysAManifestIsAnObject()
    {
        var ex = await Assert.ThrowsAsync<ArtifactFormatException>(() => ManifestReader.ReadAsync(Utf8("[1, 2]"), null));

        Assert.Contains("must be a JSON object", ex.Message);
    }
}
