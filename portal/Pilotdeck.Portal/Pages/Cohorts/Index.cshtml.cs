using System.ComponentModel.DataAnnotations;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// The tenant's cohorts, newest first, each with its funnel (invited → scheduled → active →
/// completed, and dropped) as a bar chart; facilitators create cohorts here.
/// </summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    internal static readonly FieldMap Fields = new FieldMap()
        .Add("cohort.slug", "Input.Slug", "Slug")
        .Add("cohort.title", "Input.Title", "Title")
        .Add("cohort.start_date", "Input.StartDate", "Start date")
        .Add("cohort.end_date", "Input.EndDate", "End date")
        .Add("cohort.target_size", "Input.TargetSize", "Target size")
        .Add("cohort.default_channel", "Input.Channel", "Default channel")
        .Add("cohort.default_locale", "Input.Locale", "Default locale");

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    [BindProperty]
    public CreateCohortInput Input { get; set; } = new();

    public IReadOnlyList<Cohort> Cohorts { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    public async Task OnGetAsync()
    {
        Input.RequestId = Guid.NewGuid().ToString();
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var created = await Api.Cohorts.CreateCohortAsync(new CreateCohortRequest
            {
                RequestId = Input.RequestId,
                Cohort = new Cohort
                {
                    Slug = Input.Slug?.Trim() ?? "", Title = Input.Title?.Trim() ?? "", StartDate = Input.StartDate ?? "", EndDate = Input.EndDate ?? "",
                    TargetSize = Input.TargetSize ?? 0, DefaultChannel = Input.Channel ?? "", DefaultLocale = Input.Locale ?? "",
                },
            }, cancellationToken: Aborted);
            FlashNext($"Cohort {created.Cohort.Slug} was created.");
            return RedirectToPage("/Cohorts/Roster", new { slug = created.Cohort.Slug });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
            Input.RequestId = Guid.NewGuid().ToString();
            await LoadAsync();
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            var page = await Api.Cohorts.ListCohortsAsync(new ListCohortsRequest { PageSize = options.PageSize, PageToken = PageToken ?? "" }, cancellationToken: Aborted);
            Cohorts = page.Cohorts;
            Pager = new PagerViewModel("/Cohorts/Index", PageToken, page.NextPageToken, new Dictionary<string, string?>());
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }
}

public sealed class CreateCohortInput
{
    public string RequestId { get; set; } = "";

    [Display(Name = "Slug")]
    public string? Slug { get; set; }

    [Display(Name = "Title")]
    public string? Title { get; set; }

    [Display(Name = "Start date")]
    public string? StartDate { get; set; }

    [Display(Name = "End date")]
    public string? EndDate { get; set; }

    [Display(Name = "Target size")]
    public int? TargetSize { get; set; }

    [Display(Name = "Default channel")]
    public string? Channel { get; set; }

    [Display(Name = "Default locale")]
    public string? Locale { get; set; }
}
