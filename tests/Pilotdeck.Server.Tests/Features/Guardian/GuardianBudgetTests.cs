using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Data;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Guardian;

/// <summary>The host with small node and column budgets, so uploads over them stay cheap.</summary>
public sealed class GuardianBudgetHostFixture : GuardianHostFixture
{
    public const int MaxNodes = 60_000;
    public const int MaxColumns = 250_000;

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override IEnumerable<string> ExtraArgs =>
        [.. base.ExtraArgs, $"--Pilotdeck:Guardian:MaxNodes={MaxNodes}", $"--Pilotdeck:Guardian:MaxColumns={MaxColumns}"];
}

/// <summary>Measures the whole process's managed heap, so nothing else may run beside it.</summary>
[CollectionDefinition(nameof(GuardianMemoryCollection), DisableParallelization = true)]
public sealed class GuardianMemoryCollection : ICollectionFixture<GuardianBudgetHostFixture>;

/// <summary>
/// Item 5 of issue 14: the host reads an upload within a node/column budget, answers
/// PROJECT_TOO_LARGE the moment it is crossed, and keeps nothing of an analysed project.
/// </summary>
[Collection(nameof(GuardianMemoryCollection))]
public sealed class GuardianBudgetTests(GuardianBudgetHostFixture host)
{
    [Fact]
    public async Task AnalyzeProject_OverNodeBudget_StopsReadingWithProjectTooLarge()
    {
        var token = await host.GuardianTokenAsync(host.Demo);
        // Broken JSON after the first node over the budget: a reader that parsed everything before
        // counting would answer MANIFEST_INVALID instead.
        var manifest = SyntheticManifest(GuardianBudgetHostFixture.MaxNodes + 1, columnsPerModel: 0, brokenTail: true);

        var ex = await UploadFailsAsync(token, manifest);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ProjectTooLarge), ApiErrors.ReasonOf(ex));
        var metadata = ApiErrors.MetadataOf(ex);
        Assert.Equal("nodes", metadata["budget"]);
        Assert.Equal(GuardianBudgetHostFixture.MaxNodes.ToString(), metadata["limit"]);
        Assert.Equal("manifest.json", metadata["artifact"]);
    }

    [Fact]
    public async Task AnalyzeProject_OverColumnBudget_IsProjectTooLargeNamingColumns()
    {
        var token = await host.GuardianTokenAsync(host.Demo);
        var manifest = SyntheticManifest(10_000, columnsPerModel: 30, brokenTail: false);

        var ex = await UploadFailsAsync(token, manifest);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ProjectTooLarge), ApiErrors.ReasonOf(ex));
        Assert.Equal("columns", ApiErrors.MetadataOf(ex)["budget"]);
        Assert.Equal(GuardianBudgetHostFixture.MaxColumns.ToString(), ApiErrors.MetadataOf(ex)["limit"]);
    }

    [Fact]
    public async Task AnalyzeProject_LargeProjectsAnalysedOrRefused_HostKeepsNoneOfTheirModels()
    {
        var token = await host.GuardianTokenAsync(host.Demo);
        var withinBudget = SyntheticManifest(50_000, columnsPerModel: 4, brokenTail: false);
        var overBudget = SyntheticManifest(GuardianBudgetHostFixture.MaxNodes + 20_000, columnsPerModel: 2, brokenTail: false);
        // Warm up (JIT, pools, the database) so the baseline already holds what every call keeps.
        await UploadAsync(token, SyntheticManifest(100, columnsPerModel: 4, brokenTail: false));
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        // What the model of the within-budget project weighs while someone holds it: the bound
        // below must be well under it, or the test could not notice a retained model.
        long held;
        await using (var stream = new MemoryStream(withinBudget))
        {
            var project = await ManifestReader.ReadAsync(stream, null);
            held = GC.GetTotalMemory(forceFullCollection: true) - baseline;
            GC.KeepAlive(project);
        }

        var bound = held / 3;
        Assert.True(bound > 8 * 1024 * 1024, $"the project model weighs only {held / 1024 / 1024} MB; make the manifest larger");

        var analysed = await UploadAsync(token, withinBudget);
        Assert.Equal(50_000, analysed.Analysis.Coverage.Models.Total);
        var refused = await UploadFailsAsync(token, overBudget);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ProjectTooLarge), ApiErrors.ReasonOf(refused));

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - baseline < bound,
            $"managed heap grew by {(after - baseline) / 1024 / 1024} MB after the analyses (a held model weighs {held / 1024 / 1024} MB; bound {bound / 1024 / 1024} MB)");
    }

    /// <summary>A dbt 1.10 manifest of tiny models named <c>m0…</c>, each with <paramref name="columnsPerModel"/> declared columns.</summary>
    private static byte[] SyntheticManifest(int models, int columnsPerModel, bool brokenTail)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            w.WriteString("dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v12.json");
            w.WriteString("dbt_version", "1.10.13");
            w.WriteString("project_name", "budget");
            w.WriteEndObject();
            w.WriteStartObject("nodes");
            for (var m = 0; m < models; m++)
            {
                w.WriteStartObject($"model.budget.m{m}");
                w.WriteString("unique_id", $"model.budget.m{m}");
                w.WriteString("resource_type", "model");
                w.WriteString("name", $"m{m}");
                w.WriteString("package_name", "budget");
                w.WriteString("original_file_path", $"models/m{m}.sql");
                w.WriteStartObject("columns");
                for (var c = 0; c < columnsPerModel; c++)
                {
                    w.WriteStartObject($"c{c}");
                    w.WriteString("name", $"c{c}");
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            if (!brokenTail)
            {
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        if (brokenTail)
        {
            buffer.Write(Encoding.UTF8.GetBytes(", \"model.budget.broken\": {oops"));
        }

        return buffer.ToArray();
    }

    private Task<AnalyzeProjectResponse> UploadAsync(string token, byte[] manifest) => host.UploadAsync(token, Messages(manifest));

    private Task<RpcException> UploadFailsAsync(string token, byte[] manifest) => host.SendFailsAsync(token, Messages(manifest));

    private static IEnumerable<AnalyzeProjectRequest> Messages(byte[] manifest)
    {
        yield return new AnalyzeProjectRequest { Metadata = new AnalyzeProjectMetadata { ProjectName = "budget-" + Guid.NewGuid().ToString("N")[..8] } };
        const int chunk = 1024 * 1024;
        for (var offset = 0; offset < manifest.Length; offset += chunk)
        {
            yield return new AnalyzeProjectRequest { ManifestChunk = ByteString.CopyFrom(manifest, offset, Math.Min(chunk, manifest.Length - offset)) };
        }
    }
}
