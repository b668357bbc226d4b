using System.CommandLine;
using System.Text.Json;
using Pilotdeck.Cli;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Cli;

public sealed class GuardianCommandTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("guardian-cli-").FullName;

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private void UseManifest(string fixture)
    {
        Directory.CreateDirectory(Path.Combine(_project, "target"));
        File.Copy(Fixtures.Manifest(fixture), Path.Combine(_project, "target", "manifest.json"), overwrite: true);
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliRoot.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Analyze_JsonFormat_PrintsTheCoverageFigures()
    {
        UseManifest("v4/jaffle_shop/manifest.json");

        var (exit, output, _) = await Run("guardian", "analyze", _project, "--format", "json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var columns = json.RootElement.GetProperty("coverage").GetProperty("columns");
        Assert.Equal(13, columns.GetProperty("covered").GetInt32());
        Assert.Equal(14, columns.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Analyze_BelowFailUnder_ExitsWithOne()
    {
        UseManifest("v12/jaffle_shop/manifest_1.10.json");

        var pass = await Run("guardian", "analyze", Path.Combine(_project, "target"), "--fail-under", "50");
        var fail = await Run("guardian", "analyze", _project, "--fail-under", "70");
        var failModels = await Run("guardian", "analyze", _project, "--fail-under", "70", "--fail-metric", "model");

        Assert.Equal(0, pass.Exit);
        Assert.Equal(1, fail.Exit);
        Assert.Contains("column coverage 68.0% is below --fail-under 70%", fail.Err);
        Assert.Equal(1, failModels.Exit);
    }

    [Fact]
    public async Task Analyze_CompareWithPreviousRun_ShowsDeltaAndOnlyNewGaps()
    {
        UseManifest("v4/jaffle_shop/manifest.json");
        var previous = Path.Combine(_project, "previous.json");
        await File.WriteAllTextAsync(previous, (await Run("guardian", "analyze", _project, "--format", "json")).Out);
        UseManifest("v12/jaffle_shop/manifest_1.10.json");

        var (exit, output, _) = await Run("guardian", "analyze", _project, "--compare", previous, "--format", "markdown");

        Assert.Equal(0, exit);
        // 92.9% → 68.0% column coverage; all 9 gaps of the 1.10 project are new, the v4 one is resolved.
        Assert.Contains("| columns | 17 | 25 | 68.0 | -24.9 |", output);
        Assert.Contains("### New gaps: 9 (1 resolved since the previous run)", output);
        Assert.DoesNotContain("compare:", output);
    }

    [Fact]
    public async Task Analyze_MissingManifest_SaysWhichDbtCommandWritesIt()
    {
        var (exit, _, error) = await Run("guardian", "analyze", _project);

        Assert.Equal(2, exit);
        Assert.Contains("dbt parse", error);
    }

    [Fact]
    public async Task Analyze_TruncatedManifest_ExitsWithTwoAndSaysWhere()
    {
        Directory.CreateDirectory(Path.Combine(_project, "target"));
        await File.WriteAllTextAsync(Path.Combine(_project, "target", "manifest.json"), "{\"metadata\": {\"dbt_version\": \"1.8");

        var (exit, _, error) = await Run("guardian", "analyze", _project);

        Assert.Equal(2, exit);
        Assert.Contains("truncated", error);
    }

    [Fact]
    public async Task Info_TableFormat_ShowsVersionAndInventory()
    {
        UseManifest("v12/jaffle_shop/manifest_1.10.json");

        var (exit, output, _) = await Run("guardian", "info", _project);

        Assert.Equal(0, exit);
        Assert.Contains("1.10.13", output);
        Assert.Matches(@"models\s+13", output);
        Assert.Matches(@"unit tests\s+3", output);
    }

    [Fact]
    public async Task GenerateTests_Merge_WritesFilesAndSecondRunAddsNothing()
    {
        UseManifest("v12/jaffle_shop/manifest_1.10.json");
        var yaml = Path.Combine(_project, "models", "marts", "orders.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(yaml)!);
        await File.WriteAllTextAsync(yaml, "# orders\nmodels:\n  - name: orders\n    columns:\n      - name: ordered_at  # when\n");

        var preview = await Run("guardian", "generate-tests", _project, "--priority", "4");
        var merged = await Run("guardian", "generate-tests", _project, "--priority", "4", "--merge");
        var again = await Run("guardian", "generate-tests", _project, "--priority", "4", "--merge");

        Assert.Contains("# merge into models/marts/orders.yml", preview.Out);
        Assert.False(File.Exists(Path.Combine(_project, "models", "marts", "customers.yml")) && preview.Exit != 0);
        Assert.Equal(0, merged.Exit);
        Assert.StartsWith("# orders\nmodels:\n  - name: orders\n    columns:\n      - name: ordered_at  # when\n        data_tests:\n          - not_null\n", await File.ReadAllTextAsync(yaml));
        Assert.Contains("0 tests in 0 files", again.Out);
        Assert.Contains("skipped models/marts/customers.yml: your file exists", merged.Out);
        Assert.Contains("# preview — your file models/marts/customers.yml exists, merge by hand", preview.Out);
        DbtSchemas.AssertValid(await File.ReadAllTextAsync(yaml), Pilotdeck.Guardian.Generation.YamlDialect.For(new Version(1, 10)), yaml);
    }

    [Fact]
    public async Task Analyze_PriorityOutOfRange_IsAUsageError()
    {
        UseManifest("v4/jaffle_shop/manifest.json");

        var (exit, _, error) = await Run("guardian", "analyze", _project, "--priority", "9");

        Assert.NotEqual(0, exit);
        Assert.Contains("between 1 and 5", error);
    }

    [Fact]
    public async Task Analyze_NothingToMeasure_PrintsNotApplicableAndFailUnderFails()
    {
        Directory.CreateDirectory(Path.Combine(_project, "target"));
        var b = new ManifestBuilder();
        b.Model("orders", []).Model("customers", []);
        await File.WriteAllTextAsync(Path.Combine(_project, "target", "manifest.json"), b.Json());

        var table = await Run("guardian", "analyze", _project);
        var gate = await Run("guardian", "analyze", _project, "--fail-under", "50");

        Assert.Matches(@"columns\s+0\s+0\s+n/a", table.Out);
        Assert.Equal(1, gate.Exit);
        Assert.Contains("column coverage is n/a", gate.Err);
    }

    [Fact]
    public async Task Analyze_Expand_ListsEveryGenericNotNullGap()
    {
        UseManifest("v12/jaffle_shop/manifest_1.10.json");

        var compact = await Run("guardian", "analyze", _project, "--format", "markdown");
        var expanded = await Run("guardian", "analyze", _project, "--format", "markdown", "--expand");

        Assert.Contains("| 5 | orders | 3 columns | not_null | no tests on order_cost, is_food_order, is_drink_order (--expand lists them) |", compact.Out);
        Assert.Contains("| 5 | orders | is_food_order | not_null | is_food_order has no tests |", expanded.Out);
    }
}
