using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>
/// The tenant's analyses (a coverage chart and the list, newest first) and the form that uploads
/// a dbt project's artifacts for a new one.
/// </summary>
// Raised from Kestrel's ~28.6 MB and the form reader's 128 MB so a manifest the API accepts is not cut off here first.
[RequestSizeLimit(ArtifactStreamer.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = ArtifactStreamer.MaxFormBytes)]
public sealed class IndexModel : PortalPageModel
{
    /// <summary>A chart of more points than this stops being readable; the list pages on.</summary>
    public const int HistoryPageSize = 50;

    internal static readonly FieldMap Fields = new FieldMap()
        .Add("manifest_chunk", "Input.Manifest", "manifest.json")
        .Add("catalog_chunk", "Input.Catalog", "catalog.json")
        .Add("metadata.project_name", "Input.ProjectName", "Project name")
        .Add("metadata.options.priority_threshold", "Input.PriorityThreshold", "Priority threshold");

    [BindProperty]
    public UploadInput Input { get; set; } = new();

    /// <summary>Only this project's analyses (exact name); empty shows every project.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Project { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public IReadOnlyList<Analysis> History { get; private set; } = [];

    public CoverageChart? Chart { get; private set; }

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        Input.RequestId = Guid.NewGuid().ToString();
        await LoadHistoryAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            // Only binding can fail here (a threshold that is not a number); the API checks the rest.
            await LoadHistoryAsync();
            return Page();
        }

        try
        {
            var metadata = new AnalyzeProjectMetadata
            {
                RequestId = Input.RequestId,
                ProjectName = Input.ProjectName?.Trim() ?? "",
                Options = new AnalysisOptions { PriorityThreshold = Input.PriorityThreshold },
            };
            var response = await ArtifactStreamer.UploadAsync(Guardian, metadata, Input.Manifest, Input.Catalog, Aborted);
            var analysis = response.Analysis;
            FlashNext(string.Create(CultureInfo.InvariantCulture,
                $"Analysed {analysis.ProjectName}: {GuardianFormat.Percent(analysis.Coverage?.Columns)} of columns tested, {analysis.GapCount} {(analysis.GapCount == 1 ? "gap" : "gaps")} found."));
            return RedirectToPage("/Guardian/Analysis", new { analysisId = analysis.AnalysisId });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
            ExplainUnreadableFile(ex);
            // The failed upload stored nothing, but a fresh id keeps a corrected file from ever matching it.
            Input.RequestId = Guid.NewGuid().ToString();
            ModelState.Remove($"{nameof(Input)}.{nameof(UploadInput.RequestId)}");
            await LoadHistoryAsync();
            return Page();
        }
    }

    private GuardianService.GuardianServiceClient Guardian => Api.Guardian;

    private async Task LoadHistoryAsync()
    {
        try
        {
            var request = new ListAnalysesRequest { PageSize = HistoryPageSize, PageToken = PageToken ?? "", ProjectName = Project?.Trim() ?? "" };
            var response = await Guardian.ListAnalysesAsync(request, cancellationToken: Aborted);
            History = [.. response.Analyses];
            Chart = CoverageChart.For(History);
            Pager = new PagerViewModel("/Guardian/Index", PageToken, response.NextPageToken, new Dictionary<string, string?> { ["project"] = Project });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            // An upload's problem, if any, matters more than the history's.
            if (Problem is null)
            {
                ShowProblem(ex);
            }
        }
    }

    /// <summary>
    /// The API's message for a broken file already opens with the file's name and says where it
    /// broke; next to the field, a short sentence with the location and the fix reads better than
    /// that message repeated.
    /// </summary>
    private void ExplainUnreadableFile(RpcException ex)
    {
        var (key, artifact, fix) = Client.PilotdeckErrors.ReasonOf(ex) switch
        {
            "MANIFEST_INVALID" => ("Input.Manifest", "dbt manifest", "Re-run dbt parse and upload the whole target/manifest.json."),
            "CATALOG_INVALID" => ("Input.Catalog", "dbt catalog", "Re-run dbt docs generate, or upload without a catalog."),
            _ => (null, null, null),
        };
        if (key is null)
        {
            return;
        }

        var metadata = Client.PilotdeckErrors.MetadataOf(ex);
        var where = new List<string>();
        if (metadata.TryGetValue("line", out var line))
        {
            where.Add("line " + line);
        }

        if (metadata.TryGetValue("byte_offset", out var offset))
        {
            where.Add("byte " + offset);
        }

        ModelState.Remove(key);
        ModelState.AddModelError(key, $"Not a readable {artifact}{(where.Count > 0 ? " (" + string.Join(", ", where) + ")" : "")}. {fix}");
    }
}
