using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>One stored analysis: headline coverage, coverage per resource, gaps by priority, and the schema.yml download.</summary>
public sealed class AnalysisModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string AnalysisId { get; set; } = "";

    /// <summary>The gap filter: show priorities 1 … this. Empty: every stored gap.</summary>
    [BindProperty(SupportsGet = true)]
    public int? MaxPriority { get; set; }

    /// <summary>List every generic not_null gap instead of one row per model.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Expand { get; set; }

    /// <summary>The download's threshold. Empty: the analysis's own.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Priority { get; set; }

    public AnalysisViewModel? View { get; private set; }

    /// <summary>Said instead of downloading when the threshold leaves nothing to generate.</summary>
    public string? DownloadNotice { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>
    /// A GET, so the browser downloads without leaving the page; GenerateTests has no side effects
    /// (the suggestions were made at upload time), and the API still requires the analyst role.
    /// </summary>
    public async Task<IActionResult> OnGetDownloadAsync()
    {
        try
        {
            var threshold = Math.Clamp(Priority ?? 0, 0, 5);
            var generated = await Guardian.GenerateTestsAsync(new GenerateTestsRequest { AnalysisId = AnalysisId, PriorityThreshold = threshold }, cancellationToken: Aborted);
            var analysis = await Guardian.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = AnalysisId, View = AnalysisView.Basic }, cancellationToken: Aborted);
            var effective = threshold == 0 ? analysis.Analysis.PriorityThreshold : threshold;
            if (SchemaDownload.For(generated, analysis.Analysis.ProjectName, effective) is { } file)
            {
                return file;
            }

            DownloadNotice = $"No tests to suggest at priorities 1–{effective}: every gap up to that priority is already tested.";
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }

        await LoadAsync();
        return Page();
    }

    private GuardianService.GuardianServiceClient Guardian => Api.Guardian;

    private async Task LoadAsync()
    {
        try
        {
            var maxPriority = Math.Clamp(MaxPriority ?? 5, 1, 5);
            var response = await Guardian.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = AnalysisId, MaxPriority = maxPriority, View = AnalysisView.Full }, cancellationToken: Aborted);
            View = AnalysisViewModel.From(response, maxPriority, Expand);
            Priority ??= response.Analysis.PriorityThreshold;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            // A failed download already explains itself; the page's own load problem only shows otherwise.
            if (Problem is null)
            {
                ShowProblem(ex);
            }
        }
    }
}
