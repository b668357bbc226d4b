using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Policy;

/// <summary>
/// The tenant's policy bundle: the version in force, its history with a line diff against the
/// version before, and a form that dry-runs a candidate against recent decisions before applying it.
/// </summary>
public sealed class IndexModel : PortalPageModel
{
    /// <summary>The version shown; 0 for the one in force.</summary>
    [BindProperty(SupportsGet = true)]
    public int Version { get; set; }

    [BindProperty]
    public string? Candidate { get; set; }

    public PolicyVersion? Shown { get; private set; }

    public IReadOnlyList<PolicyVersion> Versions { get; private set; } = [];

    /// <summary>The shown version against the one before it; empty for the first.</summary>
    public IReadOnlyList<DiffPiece> Diff { get; private set; } = [];

    public ApplyPolicyResponse? DryRun { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            await LoadAsync();
            Candidate ??= Shown?.Text;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public async Task<IActionResult> OnPostDryRunAsync()
    {
        try
        {
            DryRun = await Api.Policy.ApplyPolicyAsync(new ApplyPolicyRequest { Text = Candidate ?? "", ValidateOnly = true }, cancellationToken: Aborted);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }

        await OnGetAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync()
    {
        try
        {
            var applied = (await Api.Policy.ApplyPolicyAsync(new ApplyPolicyRequest { Text = Candidate ?? "" }, cancellationToken: Aborted)).Policy;
            FlashNext($"Policy version {applied.Version} is in force (sha256 {applied.Sha256[..12]}…).");
            return RedirectToPage("/Policy/Index");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
            await OnGetAsync();
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        Shown = (await Api.Policy.GetPolicyAsync(new GetPolicyRequest { Version = Version }, cancellationToken: Aborted)).Policy;
        Versions = (await Api.Policy.ListPolicyVersionsAsync(new ListPolicyVersionsRequest { PageSize = 200 }, cancellationToken: Aborted)).Versions;
        await NameActorsAsync();
        if (Shown.Version > 1)
        {
            var before = (await Api.Policy.GetPolicyAsync(new GetPolicyRequest { Version = Shown.Version - 1 }, cancellationToken: Aborted)).Policy;
            Diff = InlineDiffBuilder.Diff(before.Text, Shown.Text).Lines;
        }
    }
}
