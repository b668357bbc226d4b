using Google.Protobuf;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Guardian;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Generation;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Guardian;

/// <summary>
/// The Guardian API over the real host, per database provider: uploads of real jaffle_shop
/// artifacts in small chunks, the stored figures against the library's own, history paging,
/// tenant isolation, bad and oversized uploads, idempotent retries and generated YAML.
/// </summary>
public abstract class GuardianApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : GuardianHostFixture
{
    private const string Manifest = "v12/jaffle_shop/manifest_1.11.json";
    private const string Catalog = "catalog_1.11.json";
    private const int SmallChunk = 64 * 1024;

    private readonly TFixture _host;

    protected GuardianApiTests(TFixture host) => _host = host;

    private GuardianService.GuardianServiceClient Client => new(_host.CreateChannel());

    [Fact]
    public async Task AnalyzeProject_JaffleShopInSmallChunks_StoresWhatTheLibraryComputes()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var expected = await AnalyzeLocallyAsync();

        var uploaded = await UploadAsync(token, Metadata(UniqueProject()), ManifestBytes(), CatalogBytes());
        var fetched = await Client.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = uploaded.Analysis.AnalysisId }, HostFixture.Bearer(token)).ResponseAsync;
        var info = await Client.GetProjectInfoAsync(new GetProjectInfoRequest { AnalysisId = uploaded.Analysis.AnalysisId }, HostFixture.Bearer(token)).ResponseAsync;

        var analysis = uploaded.Analysis;
        AssertFigure(expected.Coverage.Columns, analysis.Coverage.Columns);
        AssertFigure(expected.Coverage.Models, analysis.Coverage.Models);
        AssertFigure(expected.Coverage.PrimaryKeys, analysis.Coverage.PrimaryKeys);
        AssertFigure(expected.Coverage.UnitTests, analysis.Coverage.UnitTests);
        Assert.Equal(expected.Gaps.Count, analysis.GapCount);
        Assert.Equal(expected.Project.DbtVersion, analysis.DbtVersion);
        Assert.Equal(5, analysis.PriorityThreshold);
        Assert.Equal(analysis, fetched.Analysis);
        Assert.True(analysis.HasHasCatalog && analysis.HasCatalog);
        var withoutCatalog = await UploadAsync(token, Metadata(UniqueProject()), ManifestBytes(), null);
        Assert.True(withoutCatalog.Analysis.HasHasCatalog);
        Assert.False(withoutCatalog.Analysis.HasCatalog);

        Assert.Equal(expected.Coverage.Resources.Select(r => (r.UniqueId, r.Columns.Covered, r.Columns.Total, r.DataTests, r.PrimaryKeyTested)),
            fetched.Resources.Select(r => (r.UniqueId, r.Columns.Covered, r.Columns.Total, r.DataTests, r.PrimaryKeyTested)));
        Assert.Equal(expected.Gaps.Select(g => (g.ModelId, g.Column, g.Test, g.Priority, g.Rule)),
            fetched.Gaps.Select(g => (g.ModelId, g.Column, g.Test, g.Priority, g.Rule)));
        Assert.Equal(expected.Warnings, fetched.Warnings);

        Assert.Equal(expected.Project.DbtVersion, info.DbtVersion);
        Assert.Equal(expected.Project.SchemaVersion, info.ManifestSchemaVersion);
        Assert.Equal(expected.Project.Models, info.Counts.Models);
        Assert.Equal(expected.Project.Sources, info.Counts.Sources);
        Assert.Equal(expected.Project.Seeds, info.Counts.Seeds);
        Assert.Equal(expected.Project.DataTests, info.Counts.DataTests);
        Assert.Equal(expected.Project.Packages, info.Packages);
        Assert.True(info.HasCatalog);
    }

    [Theory]
    [InlineData("gzip", 1)]
    [InlineData("identity", 0)]
    public async Task GetAnalysis_ClientAcceptEncoding_DecidesResponseCompression(string accepted, byte compressedFlag)
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var id = (await UploadAsync(token, Metadata(UniqueProject()), ManifestBytes(), null)).Analysis.AnalysisId;
        var message = new GetAnalysisRequest { AnalysisId = id }.ToByteArray();
        var frame = new byte[5 + message.Length];
        global::System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.Address, "/pilotdeck.guardian.v1.GuardianService/GetAnalysis"))
        {
            Version = global::System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.Add("te", "trailers");
        request.Headers.Add("grpc-accept-encoding", accepted);
        request.Headers.Add("authorization", "Bearer " + token);

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal(compressedFlag, body[0]);
        Assert.Equal(compressedFlag == 1, response.Headers.TryGetValues("grpc-encoding", out var encoding) && encoding.Single() == "gzip");
    }

    [Fact]
    public async Task GetAnalysis_WithMaxPriorityOrBasicView_NarrowsTheResponse()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var id = (await UploadAsync(token, Metadata(UniqueProject()), ManifestBytes(), CatalogBytes())).Analysis.AnalysisId;

        var all = await Client.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = id }, HostFixture.Bearer(token)).ResponseAsync;
        var keys = await Client.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = id, MaxPriority = 1 }, HostFixture.Bearer(token)).ResponseAsync;
        var basic = await Client.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = id, View = AnalysisView.Basic }, HostFixture.Bearer(token)).ResponseAsync;

        Assert.Contains(all.Gaps, g => g.Priority > 1);
        Assert.NotEmpty(keys.Gaps);
        Assert.All(keys.Gaps, g => Assert.Equal(1, g.Priority));
        Assert.Equal(all.Gaps.Count(g => g.Priority == 1), keys.Gaps.Count);
        Assert.Empty(basic.Gaps);
        Assert.Empty(basic.Resources);
        Assert.Equal(all.Analysis, basic.Analysis);
    }

    [Fact]
    public async Task GetAnalysis_WithCurlOverHttp11_ReturnsTheAnalysisAsJson()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var id = (await UploadAsync(token, Metadata(UniqueProject()), ManifestBytes(), null)).Analysis.AnalysisId;

        var (exit, stdout, stderr) = await RepoProcess.RunAsync("curl",
            ["--silent", "--show-error", "--fail-with-body", "-H", "authorization: Bearer " + token, new Uri(_host.RestAddress, $"/v1/guardian/analyses/{id}?view=ANALYSIS_VIEW_BASIC").ToString()],
            TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, stderr + stdout);
        using var json = global::System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal(id, json.RootElement.GetProperty("analysis").GetProperty("analysisId").GetString());
    }

    [Fact]
    public async Task ListAnalyses_ThreeUploadsOfOneProject_NewestFirstAcrossPages()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var project = UniqueProject();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await UploadAsync(token, Metadata(project), ManifestBytes(), null)).Analysis.AnalysisId);
        }

        var first = await Client.ListAnalysesAsync(new ListAnalysesRequest { ProjectName = project, PageSize = 2 }, HostFixture.Bearer(token)).ResponseAsync;
        var second = await Client.ListAnalysesAsync(new ListAnalysesRequest { ProjectName = project, PageSize = 2, PageToken = first.NextPageToken }, HostFixture.Bearer(token)).ResponseAsync;
        var unfiltered = await Client.ListAnalysesAsync(new ListAnalysesRequest { PageSize = 200 }, HostFixture.Bearer(token)).ResponseAsync;

        Assert.NotEmpty(first.NextPageToken);
        Assert.Empty(second.NextPageToken);
        ids.Reverse();
        Assert.Equal(ids, first.Analyses.Concat(second.Analyses).Select(a => a.AnalysisId));
        Assert.All(first.Analyses.Concat(second.Analyses), a => Assert.Equal(project, a.ProjectName));
        var times = unfiltered.Analyses.Select(a => a.CreateTime.ToDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Superset(ids.ToHashSet(), unfiltered.Analyses.Select(a => a.AnalysisId).ToHashSet());
    }

    [Fact]
    public async Task ListAnalyses_PageTokenWithOtherProjectFilter_IsInvalidArgumentPageTokenInvalid()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var project = UniqueProject();
        await UploadAsync(token, Metadata(project), ManifestBytes(), null);
        await UploadAsync(token, Metadata(project), ManifestBytes(), null);
        var first = await Client.ListAnalysesAsync(new ListAnalysesRequest { ProjectName = project, PageSize = 1 }, HostFixture.Bearer(token)).ResponseAsync;

        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.ListAnalysesAsync(
            new ListAnalysesRequest { ProjectName = "other", PageSize = 1, PageToken = first.NextPageToken }, HostFixture.Bearer(token)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.PageTokenInvalid), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task Analysis_FromAnotherTenant_IsNotFoundAndNotListed()
    {
        var demo = await _host.GuardianTokenAsync(_host.Demo);
        var acme = await _host.GuardianTokenAsync(_host.Acme);
        var project = UniqueProject();
        var id = (await UploadAsync(demo, Metadata(project), ManifestBytes(), null)).Analysis.AnalysisId;

        var calls = new Func<Task>[]
        {
            () => Client.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = id }, HostFixture.Bearer(acme)).ResponseAsync,
            () => Client.GenerateTestsAsync(new GenerateTestsRequest { AnalysisId = id }, HostFixture.Bearer(acme)).ResponseAsync,
            () => Client.GetProjectInfoAsync(new GetProjectInfoRequest { AnalysisId = id }, HostFixture.Bearer(acme)).ResponseAsync,
        };
        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
            Assert.Equal(ErrorReasons.Name(ErrorReason.AnalysisNotFound), ApiErrors.ReasonOf(ex));
        }

        var listed = await Client.ListAnalysesAsync(new ListAnalysesRequest { PageSize = 200 }, HostFixture.Bearer(acme)).ResponseAsync;
        var filtered = await Client.ListAnalysesAsync(new ListAnalysesRequest { ProjectName = project }, HostFixture.Bearer(acme)).ResponseAsync;
        Assert.DoesNotContain(listed.Analyses, a => a.AnalysisId == id);
        Assert.Empty(filtered.Analyses);
    }

    [Fact]
    public async Task AnalyzeProject_TruncatedManifest_IsInvalidArgumentManifestInvalidWithLocation()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var manifest = ManifestBytes();
        var truncated = manifest.AsSpan(0, manifest.Length / 2).ToArray();

        var ex = await UploadFailsAsync(token, Metadata(UniqueProject()), truncated, null);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ManifestInvalid), ApiErrors.ReasonOf(ex));
        Assert.Contains("truncated", ex.Status.Detail);
        Assert.Contains($"{truncated.Length} bytes", ex.Status.Detail);
        Assert.Equal(truncated.Length.ToString(), ApiErrors.MetadataOf(ex)["byte_offset"]);
    }

    [Fact]
    public async Task AnalyzeProject_NotJsonManifest_NamesTheLine()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);

        var ex = await UploadFailsAsync(token, Metadata(UniqueProject()), "{\n  \"nodes\": {\n    oops\n"u8.ToArray(), null);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ManifestInvalid), ApiErrors.ReasonOf(ex));
        Assert.Contains("line 3", ex.Status.Detail);
        Assert.Equal("3", ApiErrors.MetadataOf(ex)["line"]);
    }

    [Fact]
    public async Task AnalyzeProject_OverUploadLimit_IsResourceExhaustedUploadTooLarge()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        // 1 MiB chunks, as the contract recommends, until just past the configured limit.
        var chunk = new byte[1024 * 1024];
        var chunks = (int)(GuardianHostFixture.MaxUploadBytes / chunk.Length) + 1;

        var ex = await SendFailsAsync(token, Enumerable.Range(0, chunks)
            .Select(_ => new AnalyzeProjectRequest { ManifestChunk = ByteString.CopyFrom(chunk) })
            .Prepend(new AnalyzeProjectRequest { Metadata = Metadata(UniqueProject()) }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.UploadTooLarge), ApiErrors.ReasonOf(ex));
        Assert.Equal(GuardianHostFixture.MaxUploadBytes.ToString(), ApiErrors.MetadataOf(ex)["max_upload_bytes"]);
    }

    [Fact]
    public async Task AnalyzeProject_OnlyCatalog_IsInvalidArgumentManifestMissing()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);

        var ex = await SendFailsAsync(token, [
            new AnalyzeProjectRequest { Metadata = Metadata(UniqueProject()) },
            new AnalyzeProjectRequest { CatalogChunk = ByteString.CopyFrom(CatalogBytes()) },
        ]);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ManifestMissing), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task AnalyzeProject_ChunkBeforeMetadata_IsInvalidArgumentFieldInvalid()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);

        var ex = await SendFailsAsync(token, [new AnalyzeProjectRequest { ManifestChunk = ByteString.CopyFrom(ManifestBytes()) }]);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.FieldInvalid), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task AnalyzeProject_RetryWithSameRequestIdAndOtherChunking_ReturnsTheFirstAnalysis()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var project = UniqueProject();
        var metadata = Metadata(project);
        metadata.RequestId = Guid.NewGuid().ToString();

        var first = await UploadAsync(token, metadata, ManifestBytes(), CatalogBytes(), chunkSize: SmallChunk);
        var retry = await UploadAsync(token, metadata, ManifestBytes(), CatalogBytes(), chunkSize: 200 * 1024);
        var listed = await Client.ListAnalysesAsync(new ListAnalysesRequest { ProjectName = project }, HostFixture.Bearer(token)).ResponseAsync;

        Assert.Equal(first, retry);
        Assert.Equal([first.Analysis.AnalysisId], listed.Analyses.Select(a => a.AnalysisId));
    }

    [Fact]
    public async Task AnalyzeProject_SameRequestIdWithOtherContent_IsInvalidArgumentRequestIdReused()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var metadata = Metadata(UniqueProject());
        metadata.RequestId = Guid.NewGuid().ToString();
        await UploadAsync(token, metadata, ManifestBytes(), CatalogBytes());

        // Same metadata and manifest; only the catalog is left out.
        var ex = await UploadFailsAsync(token, metadata, ManifestBytes(), null);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.RequestIdReused), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task GenerateTests_PriorityOne_ReturnsTheLibrarysYamlForPrimaryKeys()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var project = await ReadLocallyAsync();
        var analysis = GuardianAnalyzer.Analyze(project);
        var expected = TestGenerator.Generate(project, analysis.Gaps, 1, new NoFiles());
        var id = (await UploadAsync(token, Metadata(UniqueProject()), ManifestBytes(), CatalogBytes())).Analysis.AnalysisId;

        var generated = await Client.GenerateTestsAsync(new GenerateTestsRequest { AnalysisId = id, PriorityThreshold = 1 }, HostFixture.Bearer(token)).ResponseAsync;

        Assert.NotEmpty(generated.Files);
        Assert.Equal(expected.Files.Select(f => (f.Path, f.Content, f.TestsAdded)), generated.Files.Select(f => (f.Path, f.Content, f.TestsAdded)));
        Assert.Equal(expected.TestsAdded, generated.TestsAdded);
        Assert.Equal(analysis.Gaps.Count(g => g.Priority == 1 && g.IsComplete), generated.TestsAdded);
        // A model's patch_path or a source's YAML exists in the project, which the server cannot see.
        Assert.All(generated.Files, f => Assert.Equal(expected.Files.Single(e => e.Path == f.Path).OriginalUnread, f.ExistingFile));
        // Every single-column primary-key gap is written as unique + not_null under its model (or source table) and column.
        foreach (var gap in analysis.Gaps.Where(g => g.Priority == 1 && g.IsComplete && !g.ModelLevel))
        {
            var file = Assert.Single(generated.Files, f => f.Content.Contains($"- name: {project.Find(gap.ModelId)!.Name}\n"));
            Assert.Contains($"- name: {gap.Column}\n", file.Content);
            Assert.Contains($"- {gap.Test}\n", file.Content);
        }
    }

    [Fact]
    public async Task GenerateTests_DefaultThreshold_CoversEveryStoredGap()
    {
        var token = await _host.GuardianTokenAsync(_host.Demo);
        var metadata = Metadata(UniqueProject());
        metadata.Options = new AnalysisOptions { PriorityThreshold = 3 };
        var uploaded = await UploadAsync(token, metadata, ManifestBytes(), CatalogBytes());

        var generated = await Client.GenerateTestsAsync(new GenerateTestsRequest { AnalysisId = uploaded.Analysis.AnalysisId }, HostFixture.Bearer(token)).ResponseAsync;

        var local = GuardianAnalyzer.Analyze(await ReadLocallyAsync(), new Pilotdeck.Guardian.Configuration.GuardianOptions { Priority = 3 });

        Assert.Equal(3, uploaded.Analysis.PriorityThreshold);
        Assert.Equal(local.Gaps.Count, uploaded.Analysis.GapCount);
        // Incomplete suggestions (values nobody listed) are commented out, not counted as added tests.
        Assert.Equal(local.Gaps.Count(g => g.IsComplete), generated.TestsAdded);
        Assert.Contains(generated.Files, f => f.Content.Contains("accepted_values"));
    }

    [Fact]
    public async Task AnalyzeProject_ClientWithoutGuardianScope_IsPermissionDeniedScopeMissing()
    {
        var identityOnly = await _host.ClientTokenAsync(_host.Demo);

        var ex = await SendFailsAsync(identityOnly, [new AnalyzeProjectRequest { Metadata = Metadata(UniqueProject()) }]);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal(ErrorReasons.Name(ErrorReason.ScopeMissing), ApiErrors.ReasonOf(ex));
    }

    [Fact]
    public async Task AnalyzeProject_AsOwnerUser_IsAllowedByRole()
    {
        var token = await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword);

        var uploaded = await UploadAsync(token, Metadata(""), ManifestBytes(), null);

        // Without a project name the manifest's own name is used.
        Assert.Equal("jaffle_shop", uploaded.Analysis.ProjectName);
    }

    private static string UniqueProject() => "jaffle-" + Guid.NewGuid().ToString("N")[..12];

    private static AnalyzeProjectMetadata Metadata(string projectName) => new() { ProjectName = projectName };

    private static void AssertFigure(Pilotdeck.Guardian.Coverage.CoverageFigure expected, CoverageFigure actual)
    {
        Assert.Equal(expected.Covered, actual.Covered);
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.Percent, actual.Percent);
    }

    private Task<AnalyzeProjectResponse> UploadAsync(string token, AnalyzeProjectMetadata metadata, byte[] manifest, byte[]? catalog, int chunkSize = SmallChunk) =>
        _host.UploadAsync(token, Messages(metadata, manifest, catalog, chunkSize));

    private Task<RpcException> UploadFailsAsync(string token, AnalyzeProjectMetadata metadata, byte[] manifest, byte[]? catalog) =>
        _host.SendFailsAsync(token, Messages(metadata, manifest, catalog, SmallChunk));

    private Task<RpcException> SendFailsAsync(string token, IEnumerable<AnalyzeProjectRequest> messages) => _host.SendFailsAsync(token, messages);

    private static IEnumerable<AnalyzeProjectRequest> Messages(AnalyzeProjectMetadata metadata, byte[] manifest, byte[]? catalog, int chunkSize)
    {
        yield return new AnalyzeProjectRequest { Metadata = metadata };
        for (var offset = 0; offset < manifest.Length; offset += chunkSize)
        {
            yield return new AnalyzeProjectRequest { ManifestChunk = ByteString.CopyFrom(manifest, offset, Math.Min(chunkSize, manifest.Length - offset)) };
        }

        for (var offset = 0; catalog is not null && offset < catalog.Length; offset += chunkSize)
        {
            yield return new AnalyzeProjectRequest { CatalogChunk = ByteString.CopyFrom(catalog, offset, Math.Min(chunkSize, catalog.Length - offset)) };
        }
    }

    private static async Task<GuardianAnalysis> AnalyzeLocallyAsync()
    {
        await using var manifest = File.OpenRead(JaffleShop.Manifest(Manifest));
        await using var catalog = File.OpenRead(JaffleShop.Catalog(Catalog));
        return await GuardianAnalyzer.AnalyzeAsync(manifest, catalog);
    }

    private static async Task<DbtProject> ReadLocallyAsync()
    {
        await using var manifest = File.OpenRead(JaffleShop.Manifest(Manifest));
        await using var catalog = File.OpenRead(JaffleShop.Catalog(Catalog));
        return await ManifestReader.ReadAsync(manifest, catalog);
    }

    private static byte[] ManifestBytes() => File.ReadAllBytes(JaffleShop.Manifest(Manifest));

    private static byte[] CatalogBytes() => File.ReadAllBytes(JaffleShop.Catalog(Catalog));

    private sealed class NoFiles : IProjectFiles
    {
        public string? ReadText(string relativePath) => null;
    }
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

    public static string Manifest(string relative) => Path.Combine(Root.Value, "manifest", relative);

    public static string Catalog(string file) => Path.Combine(Root.Value, "catalog", "v1", "jaffle_shop", file);
}

public sealed class GuardianApiTests_Sqlite(GuardianSqliteHostFixture host) : GuardianApiTests<GuardianSqliteHostFixture>(host);

public sealed class GuardianApiTests_Postgres(GuardianPostgresHostFixture host) : GuardianApiTests<GuardianPostgresHostFixture>(host);
