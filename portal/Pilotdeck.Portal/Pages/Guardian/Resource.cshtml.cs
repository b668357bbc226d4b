using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Portal.Infrastructure;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>The drill-down of one model (or source, seed, snapshot) of an analysis: its figures and its gaps by column.</summary>
public sealed class ResourceModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string AnalysisId { get; set; } = "";

    /// <summary>dbt unique id, e.g. <c>model.jaffle_shop.orders</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string UniqueId { get; set; } = "";

    public ResourceViewModel? View { get; private set; }

    /// <summary>The analysis loaded but has no such resource (a stale link, or a resource out of scope).</summary>
    public bool Missing { get; private set; }

    public async Task OnGetAsync()
    {
        try
        {
            var guardian = Api.Guardian;
            // Every stored gap: the drill-down answers "what is missing here", not the analysis page's filter.
            var response = await guardian.GetAnalysisAsync(new GetAnalysisRequest { AnalysisId = AnalysisId, View = AnalysisView.Full }, cancellationToken: Aborted);
            var resource = response.Resources.FirstOrDefault(r => r.UniqueId == UniqueId);
            if (resource is null)
            {
                Missing = true;
                Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            View = new ResourceViewModel(response.Analysis, resource, [.. response.Gaps.Where(g => g.ModelId == UniqueId)]);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }
}

/// <summary>One resource and its gaps, grouped by column so a column's missing tests read together.</summary>
public sealed record ResourceViewModel(Analysis Analysis, ResourceCoverage Resource, IReadOnlyList<Gap> Gaps)
{
    /// <summary>Columns in order of their most important gap, then by name.</summary>
    public IReadOnlyList<IGrouping<string, Gap>> ByColumn { get; } =
        [.. Gaps.GroupBy(g => g.Column, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Min(x => x.Priority)).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)];
}
