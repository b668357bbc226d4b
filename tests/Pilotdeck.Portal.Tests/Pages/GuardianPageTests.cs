using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Guardian;
using Pilotdeck.Portal.Pages.Guardian;
using Pilotdeck.Portal.Tests.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Pilotdeck.Portal.Tests.Pages;

[Collection(PortalCollection.Name)]
public sealed class GuardianPageTests
{
    /// <summary>Upload and analysis of a real manifest; generous because every test assembly shares two cores in CI.</summary>
    private static readonly PageAssertionsToHaveURLOptions AnalysisLoaded = new() { Timeout = 60_000 };

    private readonly PortalFixture _fixture;

    public GuardianPageTests(PortalFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task GuardianPage_UploadManifestAndCatalog_ShowsTheApisCoverageDrillDownGapsAndYaml()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var project = UniqueProject("jaffle");

        var analysisId = await UploadAsync(page, project, JaffleShop.Manifest("manifest_1.11.json"), JaffleShop.Catalog("catalog_1.11.json"));

        // The figures the API stored, and an independent run of the library, must both be what the page says.
        var stored = await GetAnalysisAsync(analysisId);
        var local = await AnalyzeLocallyAsync("manifest_1.11.json", "catalog_1.11.json");
        var coverage = stored.Analysis.Coverage;
        Assert.Equal((local.Coverage.Columns.Covered, local.Coverage.Columns.Total), (coverage.Columns.Covered, coverage.Columns.Total));
        Assert.Equal(local.Gaps.Count, stored.Analysis.GapCount);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = project, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Analysed {project}");
        foreach (var (key, figure) in new[] { ("columns", coverage.Columns), ("models", coverage.Models), ("primary-keys", coverage.PrimaryKeys), ("unit-tests", coverage.UnitTests) })
        {
            await Expect(page.GetByTestId($"coverage-{key}-percent")).ToHaveTextAsync(figure.Percent.ToString("0.0", CultureInfo.InvariantCulture) + "%");
            await Expect(page.GetByTestId($"coverage-{key}-count")).ToHaveTextAsync($"{figure.Covered} of {figure.Total}");
        }

        await Expect(page.GetByTestId("gap-count")).ToHaveTextAsync(stored.Analysis.GapCount.ToString(CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("resources").Locator("tbody tr")).ToHaveCountAsync(stored.Resources.Count(r => r.ResourceType == "model"));
        await Expect(page.GetByTestId("other-resources").Locator("tbody tr")).ToHaveCountAsync(stored.Resources.Count(r => r.ResourceType != "model"));
        // Gaps grouped by priority: the six primary-key gaps of the untested marts lead.
        var priorityOne = page.GetByTestId("gaps-priority-1");
        // A key's unique and not_null share a row, as in the CLI's table.
        await Expect(priorityOne.Locator("tbody tr")).ToHaveCountAsync(Pilotdeck.Guardian.Gaps.GapRows.Build([.. local.Gaps.Where(g => g.Priority == 1)], expand: false).Count);
        await Expect(priorityOne.Locator("tbody tr", new() { HasText = "unique + not_null" }).First).ToBeVisibleAsync();
        await Expect(priorityOne).ToContainTextAsync("location_id");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "guardian-analysis.png"), FullPage = true });

        // The filter narrows the list to the chosen priorities.
        await page.GetByLabel("Show priorities").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.GetByTestId("gaps-priority-2")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("gaps-priority-5")).ToHaveCountAsync(0);
        await Expect(page.Locator("table.gaps tbody tr")).ToHaveCountAsync(Pilotdeck.Guardian.Gaps.GapRows.Build([.. local.Gaps.Where(g => g.Priority <= 2)], expand: false).Count);

        // Drill down into orders: its foreign key to locations is a priority-2 gap.
        await page.GetByTestId("resources").GetByRole(AriaRole.Link, new() { Name = "orders", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "orders", Level = 1 })).ToBeVisibleAsync();
        var orders = stored.Resources.Single(r => r.UniqueId == "model.jaffle_shop.orders");
        await Expect(page.GetByTestId("resource-summary")).ToContainTextAsync($"{orders.Columns.Covered} of {orders.Columns.Total} columns");
        var locationGap = page.GetByTestId("resource-gaps").Locator("tbody[data-column='location_id'] tr", new() { HasText = "relationships" });
        await Expect(locationGap.GetByTestId("gap-priority")).ToContainTextAsync("2");
        await Expect(locationGap).ToContainTextAsync("ref('locations')");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "guardian-model.png"), FullPage = true });

        // Every gap up to priority 5 spans several models, so the suggestions arrive as a zip of their YAML files.
        await page.GoBackAsync();
        await page.GetByLabel("Include gaps of priority").SelectOptionAsync("5");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download schema.yml" }).ClickAsync());
        var files = await ReadDownloadAsync(download);
        Assert.True(files.Count > 1, $"expected several files, got {string.Join(", ", files.Keys)}");
        Assert.EndsWith(".zip", download.SuggestedFilename);
        var yaml = string.Join("\n", files.Where(f => f.Key.EndsWith(".yml", StringComparison.Ordinal)).Select(f => f.Value));
        Assert.Contains("data_tests:", yaml);
        Assert.Contains("location_id", yaml);
        Assert.Contains(files.Keys, k => k.StartsWith("models/", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GuardianPage_TwoAnalysesOfOneProject_ChartShowsTwoPointsPerFigure()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var project = UniqueProject("history");

        // dbt 1.10 without a catalog, then 1.11 with one: two different coverage figures.
        await UploadAsync(page, project, JaffleShop.Manifest("manifest_1.10.json"), null);
        await UploadAsync(page, project, JaffleShop.Manifest("manifest_1.11.json"), JaffleShop.Catalog("catalog_1.11.json"));
        await page.GetByRole(AriaRole.Link, new() { Name = $"History of {project}" }).ClickAsync();

        var chart = page.GetByTestId("coverage-chart");
        await Expect(chart.Locator("circle[data-series='columns']")).ToHaveCountAsync(2);
        await Expect(chart.Locator("circle")).ToHaveCountAsync(2 * 4);
        await Expect(chart.Locator("polyline")).ToHaveCountAsync(4);
        await Expect(chart.Locator("title").First).ToContainTextAsync("2 analyses");
        await Expect(page.GetByTestId("analyses").Locator("tbody tr")).ToHaveCountAsync(2);

        // Newest first: the upload with a catalog is unmarked, the one without says so, in the table and the chart.
        var history = page.GetByTestId("analyses").Locator("tbody tr");
        await Expect(history.Nth(0).GetByTestId("no-catalog")).ToHaveCountAsync(0);
        await Expect(history.Nth(1).GetByTestId("no-catalog")).ToHaveTextAsync(new Regex("^no catalog"));
        await Expect(chart.Locator("circle[data-no-catalog='true']")).ToHaveCountAsync(1);
        await Expect(chart.Locator("circle[data-series='columns'][data-no-catalog='true'] title")).ToContainTextAsync("no catalog");
        await Expect(page.GetByTestId("chart-catalog-note")).ToBeVisibleAsync();

        // The fallback table lists the same points, oldest first.
        await page.GetByText("Show the chart's data as a table").ClickAsync();
        var rows = page.GetByTestId("coverage-chart-data").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        var older = await AnalyzeLocallyAsync("manifest_1.10.json", null);
        var newer = await AnalyzeLocallyAsync("manifest_1.11.json", "catalog_1.11.json");
        await Expect(rows.Nth(0).Locator("td").Nth(1)).ToHaveTextAsync(GuardianFormat.Percent(older.Coverage.Columns.Percent));
        await Expect(rows.Nth(1).Locator("td").Nth(1)).ToHaveTextAsync(GuardianFormat.Percent(newer.Coverage.Columns.Percent));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "guardian-history.png"), FullPage = true });
        await page.Locator("figure.chart").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "guardian-history-chart.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GuardianPage_NothingToMeasure_ShowsNotApplicableRatherThanAPercentage()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        // Models whose columns nobody declared and no catalog: the column figure has nothing to count.
        var manifest = await WriteManifestAsync(Model("orders", []), Model("customers", []));

        var project = UniqueProject("empty");
        await UploadAsync(page, project, manifest, null);

        await Expect(page.GetByTestId("coverage-columns-percent")).ToHaveTextAsync("n/a");
        await Expect(page.GetByTestId("coverage-columns-count")).ToHaveTextAsync("0 of 0");
        await Expect(page.GetByTestId("coverage-models-percent")).ToHaveTextAsync("0.0%");
        await page.GotoAsync($"/guardian?project={project}");
        await Expect(page.GetByTestId("analyses").Locator("tbody tr").First.Locator("td").Nth(2)).ToHaveTextAsync("n/a");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GuardianPage_LongTestArguments_WrapInsideTheirCellAndNeverReachTheWhyColumn()
    {
        var page = await _fixture.NewPageAsync();
        await page.SetViewportSizeAsync(1024, 800);
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        // orders.customer_id → the long-named model that owns customer_id: relationships with a long `to:`.
        const string owner = "customers_with_a_really_long_descriptive_name_for_the_warehouse_export_of_accounts_v2";
        var manifest = await WriteManifestAsync(
            Model("orders", ["order_id", "customer_id", "notes", "amount"]),
            Model(owner, ["customer_id"]),
            UniqueTest(owner, "customer_id"));

        await UploadAsync(page, UniqueProject("wide"), manifest, null);

        var row = page.GetByTestId("gaps-priority-2").Locator("tbody tr", new() { HasText = "relationships" });
        await Expect(row.Locator(".arguments")).ToContainTextAsync(owner);
        var arguments = (await row.Locator(".arguments code").BoundingBoxAsync())!;
        var testCell = (await row.Locator("td").Nth(1).BoundingBoxAsync())!;
        var whyCell = (await row.Locator("td").Nth(2).BoundingBoxAsync())!;
        Assert.True(arguments.X + arguments.Width <= testCell.X + testCell.Width + 0.5,
            $"arguments end at {arguments.X + arguments.Width}, their cell at {testCell.X + testCell.Width}");
        Assert.True(arguments.X + arguments.Width <= whyCell.X, $"arguments end at {arguments.X + arguments.Width}, the Why column starts at {whyCell.X}");
        // Nothing in any gap or resource table spills out of its cell (a long model name, a long rationale).
        var spilling = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('table.gaps td, table.gaps th, table.resources th, table.resources td')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim())");
        Assert.Empty(spilling);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "guardian-long-arguments.png"), FullPage = true });

        // The key's unique and not_null are one row; the untested columns one row per model until expanded.
        var priorityOne = page.GetByTestId("gaps-priority-1");
        await Expect(priorityOne.Locator("tbody tr", new() { HasText = "order_id" })).ToHaveCountAsync(1);
        await Expect(priorityOne.Locator("tbody tr", new() { HasText = "order_id" })).ToContainTextAsync("unique + not_null");
        var other = page.GetByTestId("gaps-priority-5");
        await Expect(other.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(other.Locator("tbody tr")).ToContainTextAsync("2 columns");
        await page.GetByTestId("expand-gaps").ClickAsync();
        await Expect(other.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(other.Locator("tbody tr").Nth(0)).ToContainTextAsync("notes");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GuardianPage_FileThatIsNotAManifest_ShowsManifestInvalidWithItsLocation()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        var garbage = Path.Combine(Path.GetTempPath(), $"not-a-manifest-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(garbage, "{\n  \"nodes\": {\n    oops\n");
        try
        {
            await page.GotoAsync("/guardian");
            await page.GetByLabel("manifest.json").SetInputFilesAsync(garbage);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and analyse" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("MANIFEST_INVALID");
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("line 3");
            // Next to the field: where it broke and what to do, from the error's metadata.
            await Expect(page.Locator("#manifest-error")).ToHaveTextAsync("Not a readable dbt manifest (line 3, byte 19). Re-run dbt parse and upload the whole target/manifest.json.");
            await Expect(page).ToHaveURLAsync(new Regex("/guardian$"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PortalFixture.ArtifactsDirectory, "guardian-upload-error.png") });
        }
        finally
        {
            File.Delete(garbage);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GuardianPage_UploadAboveKestrelsDefaultBodyLimit_ReachesTheApiInChunks()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        // 40 MiB: past Kestrel's ~28.6 MiB default, so only the page's raised limits let it through;
        // broken at its first byte, so the API rejects it as soon as it has spooled all 40 chunks.
        var large = Path.Combine(Path.GetTempPath(), $"large-manifest-{Guid.NewGuid():N}.json");
        await using (var file = File.Create(large))
        {
            file.WriteByte((byte)'x');
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 40; i++)
            {
                await file.WriteAsync(spaces);
            }
        }

        try
        {
            await page.GotoAsync("/guardian");
            await page.GetByLabel("manifest.json").SetInputFilesAsync(large);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and analyse" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("MANIFEST_INVALID", new() { Timeout = 60_000 });
            await Expect(page.Locator("#manifest-error")).ToContainTextAsync("line 1");
        }
        finally
        {
            File.Delete(large);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GuardianPage_SubmittingAnUpload_ShowsTheAnalysingState()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail);
        await page.GotoAsync("/guardian");
        // Playwright cannot read a page whose navigation is pending, so the post is stopped after
        // the portal's handler (on document) has run; the window sees the event after it.
        await page.EvaluateAsync("() => window.addEventListener('submit', event => event.preventDefault())");

        await page.GetByLabel("manifest.json").SetInputFilesAsync(JaffleShop.Manifest("manifest_1.11.json"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and analyse" }).ClickAsync();

        await Expect(page.Locator("form[data-busy-form]")).ToHaveAttributeAsync("aria-busy", "true");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Analysing…");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task GuardianPage_ViewerUploads_ShowsTheApisRoleRefusal()
    {
        var page = await _fixture.NewPageAsync();
        await PortalFixture.SignInAsync(page, PortalFixture.ViewerEmail);

        await page.GotoAsync("/guardian");
        await page.GetByLabel("manifest.json").SetInputFilesAsync(JaffleShop.Manifest("manifest_1.11.json"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and analyse" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Your role in this tenant does not allow this.");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ROLE_INSUFFICIENT");
        await page.Context.CloseAsync();
    }

    /// <summary>Uploads through the form and returns the id of the analysis page it lands on.</summary>
    private static async Task<string> UploadAsync(IPage page, string project, string manifest, string? catalog)
    {
        await page.GotoAsync("/guardian");
        await page.GetByLabel("manifest.json").SetInputFilesAsync(manifest);
        if (catalog is not null)
        {
            await page.GetByLabel("catalog.json").SetInputFilesAsync(catalog);
        }

        await page.GetByLabel("Project name").FillAsync(project);
        await page.GetByLabel("Keep gaps up to priority").SelectOptionAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and analyse" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/guardian/analyses/[^/]+$"), AnalysisLoaded);
        return new Uri(page.Url).Segments[^1];
    }

    private async Task<GetAnalysisResponse> GetAnalysisAsync(string analysisId)
    {
        using var client = PilotdeckClient.Create(new PilotdeckClientOptions
        {
            ServerUrl = _fixture.ApiAddress,
            Credentials = PilotdeckCredentials.Password(PortalFixture.AdminEmail, PortalFixture.Password),
        });
        return await client.CreateClient<GuardianService.GuardianServiceClient>().GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = analysisId });
    }

    private static async Task<GuardianAnalysis> AnalyzeLocallyAsync(string manifest, string? catalog)
    {
        await using var manifestStream = File.OpenRead(JaffleShop.Manifest(manifest));
        await using var catalogStream = catalog is null ? null : File.OpenRead(JaffleShop.Catalog(catalog));
        return await GuardianAnalyzer.AnalyzeAsync(manifestStream, catalogStream);
    }

    /// <summary>The downloaded files by path: the zip's entries, or the single YAML file.</summary>
    private static async Task<Dictionary<string, string>> ReadDownloadAsync(IDownload download)
    {
        var path = await download.PathAsync();
        await download.SaveAsAsync(Path.Combine(PortalFixture.ArtifactsDirectory, "guardian-" + download.SuggestedFilename));
        if (!download.SuggestedFilename.EndsWith(".zip", StringComparison.Ordinal))
        {
            return new() { [download.SuggestedFilename] = await File.ReadAllTextAsync(path) };
        }

        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open(), Encoding.UTF8);
            return reader.ReadToEnd();
        });
    }

    /// <summary>Each test charts its own project, so analyses of other tests never add points.</summary>
    /// <summary>A dbt 1.10 manifest of the given nodes, written to a temporary file for the upload form.</summary>
    private static async Task<string> WriteManifestAsync(params (string Id, object Node)[] nodes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"guardian-portal-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object>
            {
                ["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v12.json",
                ["dbt_version"] = "1.10.0",
                ["project_name"] = "shop",
            },
            ["nodes"] = nodes.ToDictionary(n => n.Id, n => n.Node),
            ["sources"] = new Dictionary<string, object>(),
        }));
        return path;
    }

    private static (string, object) Model(string name, string[] columns) => ($"model.shop.{name}", new Dictionary<string, object?>
    {
        ["unique_id"] = $"model.shop.{name}",
        ["resource_type"] = "model",
        ["name"] = name,
        ["package_name"] = "shop",
        ["original_file_path"] = $"models/{name}.sql",
        ["columns"] = columns.ToDictionary(c => c, c => new Dictionary<string, object> { ["name"] = c }),
        ["depends_on"] = new Dictionary<string, object> { ["nodes"] = Array.Empty<string>() },
    });

    private static (string, object) UniqueTest(string model, string column) => ($"test.shop.unique_{model}_{column}", new Dictionary<string, object?>
    {
        ["unique_id"] = $"test.shop.unique_{model}_{column}",
        ["resource_type"] = "test",
        ["name"] = $"unique_{model}_{column}",
        ["package_name"] = "shop",
        ["attached_node"] = $"model.shop.{model}",
        ["column_name"] = column,
        ["test_metadata"] = new Dictionary<string, object> { ["name"] = "unique", ["kwargs"] = new Dictionary<string, object> { ["column_name"] = column } },
        ["depends_on"] = new Dictionary<string, object> { ["nodes"] = new[] { $"model.shop.{model}" } },
    });

    private static string UniqueProject(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}

/// <summary>The chart's layout, checked without a browser.</summary>
public sealed class GuardianCoverageChartTests
{
    [Fact]
    public void For_NoAnalyses_IsNoChart() => Assert.Null(CoverageChart.For([]));

    [Fact]
    public void For_NewestFirstList_PlotsOldestOnTheLeftWithOnePointPerAnalysisAndFigure()
    {
        var start = new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
        Analysis[] newestFirst = [At(start.AddDays(2), 80), At(start.AddDays(1), 50), At(start, 20)];

        var chart = CoverageChart.For(newestFirst)!;

        Assert.Equal([20.0, 50.0, 80.0], chart.Analyses.Select(a => a.Coverage.Columns.Percent));
        Assert.All(chart.Series, s => Assert.Equal(3, s.Points.Count));
        var columns = chart.Series.Single(s => s.Key == "columns").Points;
        Assert.True(double.Parse(columns[0].X, CultureInfo.InvariantCulture) < double.Parse(columns[2].X, CultureInfo.InvariantCulture));
        // SVG y grows downwards: the higher coverage is nearer the top.
        Assert.True(double.Parse(columns[2].Y, CultureInfo.InvariantCulture) < double.Parse(columns[0].Y, CultureInfo.InvariantCulture));
        Assert.Equal(["1 Mar 09:30", "2 Mar 09:30", "3 Mar 09:30"], chart.XTicks.Select(t => t.Label));
        Assert.Contains("from 20.0% to 80.0%", chart.Description);
    }

    [Fact]
    public void For_AnalysesWithinOneMinute_LabelsTheAxisWithSeconds()
    {
        var start = new DateTimeOffset(2026, 3, 1, 9, 30, 5, TimeSpan.Zero);

        var chart = CoverageChart.For([At(start.AddSeconds(20), 60), At(start, 40)])!;

        Assert.Equal(["1 Mar 09:30:05", "1 Mar 09:30:25"], chart.XTicks.Select(t => t.Label));
    }

    [Fact]
    public void For_AnalysesWithinOneSecond_NumbersTheAxisLabels()
    {
        var start = new DateTimeOffset(2026, 3, 1, 9, 30, 5, TimeSpan.Zero);

        var chart = CoverageChart.For([At(start.AddMilliseconds(300), 60), At(start, 40)])!;

        Assert.Equal(["1 Mar 09:30:05 (#1)", "1 Mar 09:30:05 (#2)"], chart.XTicks.Select(t => t.Label));
    }

    private static Analysis At(DateTimeOffset time, double columnsPercent)
    {
        var figure = new CoverageFigure { Covered = (int)columnsPercent, Total = 100, Percent = columnsPercent };
        return new Analysis
        {
            AnalysisId = Guid.NewGuid().ToString("N"),
            ProjectName = "p",
            CreateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(time),
            Coverage = new CoverageSummary { Columns = figure, Models = figure, PrimaryKeys = figure, UnitTests = figure },
        };
    }
}

/// <summary>The download's two shapes, checked without a browser.</summary>
public sealed class GuardianSchemaDownloadTests
{
    [Fact]
    public void For_OneFile_IsThatYamlFileUnderItsOwnName()
    {
        var response = new GenerateTestsResponse { Files = { new GeneratedFile { Path = "models/marts/orders.yml", Content = "version: 2\n", TestsAdded = 1 } } };

        var file = SchemaDownload.For(response, "jaffle_shop", 2)!;

        Assert.Equal("orders.yml", file.FileDownloadName);
        Assert.StartsWith("text/yaml", file.ContentType);
        Assert.Equal("version: 2\n", Encoding.UTF8.GetString(file.FileContents));
    }

    [Fact]
    public void For_SeveralFiles_IsAZipKeepingPathsAndNamingFilesToMerge()
    {
        var response = new GenerateTestsResponse
        {
            Files =
            {
                new GeneratedFile { Path = "models/marts/orders.yml", Content = "a", ExistingFile = true },
                new GeneratedFile { Path = "../../etc/locations.yml", Content = "b" },
            },
        };

        var file = SchemaDownload.For(response, "jaffle shop", 3)!;

        Assert.Equal("jaffle_shop-schema-p3.zip", file.FileDownloadName);
        using var zip = new ZipArchive(new MemoryStream(file.FileContents));
        Assert.Equal(["models/marts/orders.yml", "etc/locations.yml", "GUARDIAN-README.txt"], zip.Entries.Select(e => e.FullName));
        using var readMe = new StreamReader(zip.GetEntry("GUARDIAN-README.txt")!.Open());
        Assert.Contains("models/marts/orders.yml", readMe.ReadToEnd());
    }

    [Fact]
    public void For_NoFiles_IsNothingToDownload() =>
        Assert.Null(SchemaDownload.For(new GenerateTestsResponse(), "p", 5));
}

/// <summary>The jaffle_shop artifacts in ../shared/fixtures/dbt beside the repository (the folder holding Grpc.sln).</summary>
internal static class JaffleShop
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grpc.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "dbt", "jaffle_shop"));
            }
        }

        throw new InvalidOperationException("Grpc.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Manifest(string file) => Path.Combine(Root.Value, "manifest", "v12", "jaffle_shop", file);

    public static string Catalog(string file) => Path.Combine(Root.Value, "catalog", "v1", "jaffle_shop", file);
}
