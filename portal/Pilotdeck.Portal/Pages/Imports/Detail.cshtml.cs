using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Imports;

/// <summary>
/// One import: its plan as a diff table (filter by outcome, paged), progress while a job plans or
/// commits it, the commit (showing clearly when the policy holds it for approval), and the signed
/// error manifest and failed rows to download.
/// </summary>
public sealed class DetailModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string ImportId { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public RowOutcome Outcome { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    public Import? Import { get; private set; }

    public IReadOnlyList<ImportRow> Rows { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }


    public static IReadOnlyList<RowOutcome> Outcomes { get; } = [RowOutcome.Created, RowOutcome.Updated, RowOutcome.Unchanged, RowOutcome.Rejected];

    /// <summary>The cohort a roster import defaults its rows to (its <c>cohort</c> option), to go back to; null for other imports.</summary>
    public string? RosterCohort => Import is { Kind: "roster" } import && import.Options.TryGetValue("cohort", out var slug) && slug.Length > 0 ? slug : null;

    public bool Running => Import?.State is ImportState.Planning or ImportState.Committing;

    public async Task OnGetAsync()
    {
        try
        {
            Import = (await Api.Imports.GetImportAsync(new GetImportRequest { ImportId = ImportId }, cancellationToken: Aborted)).Import;
            var page = await Api.Imports.ListImportRowsAsync(new ListImportRowsRequest { ImportId = ImportId, Outcome = Outcome, PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Rows = page.Rows;
            Pager = new PagerViewModel("/Imports/Detail", PageToken, page.NextPageToken, new Dictionary<string, string?>
            {
                ["importId"] = ImportId,
                ["outcome"] = Outcome == RowOutcome.Unspecified ? null : Outcome.ToString(),
            });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public async Task<IActionResult> OnPostCommitAsync(string planHash)
    {
        try
        {
            var import = (await Api.Imports.CommitImportAsync(new CommitImportRequest { ImportId = ImportId, PlanHash = planHash }, cancellationToken: Aborted)).Import;
            FlashNext(import.State == ImportState.Committed
                ? $"Committed: {import.CreatedCount} created, {import.UpdatedCount} updated, {import.UnchangedCount} unchanged."
                : "The commit runs as a background job; this page follows its progress.");
            return RedirectToPage("/Imports/Detail", new { importId = ImportId });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostPlanAsync()
    {
        try
        {
            await Api.Imports.PlanImportAsync(new PlanImportRequest { ImportId = ImportId }, cancellationToken: Aborted);
            FlashNext("Planned again against the current data: review the new plan before committing.");
            return RedirectToPage("/Imports/Detail", new { importId = ImportId });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }

    public async Task<IActionResult> OnGetManifestAsync()
    {
        var envelope = await Api.Imports.GetImportManifestAsync(new GetImportManifestRequest { ImportId = ImportId }, cancellationToken: Aborted);
        return File(Encoding.UTF8.GetBytes(envelope.EnvelopeJson), "application/json", $"{ImportId}.import-manifest.json");
    }

    public async Task<IActionResult> OnGetFailedRowsAsync()
    {
        var rows = await Api.Imports.GetFailedRowsAsync(new GetFailedRowsRequest { ImportId = ImportId }, cancellationToken: Aborted);
        return File(rows.Csv.ToByteArray(), "text/csv", rows.FileName);
    }

    public static string Label(RowOutcome outcome) => outcome.ToString().ToLowerInvariant();
}
