using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Jobs.V1;
using Pilotdeck.Portal.Infrastructure;
using System.Text.RegularExpressions;
using Grpc.Core;

namespace Pilotdeck.Portal.Pages.Admin.Jobs;

/// <summary>
/// The tenant's background job runs, newest first, searchable by name and state, with retry and
/// delete. Only this tenant's runs exist here: the API looks every id up in the caller's tenant.
/// </summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public JobState State { get; set; }

    public IReadOnlyList<JobRunRow> Rows { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    /// <summary>The states a run can be filtered by, in the order a run passes through them.</summary>
    public static IReadOnlyList<JobState> States { get; } =
        [JobState.Enqueued, JobState.Scheduled, JobState.Awaiting, JobState.Processing, JobState.Succeeded, JobState.Failed, JobState.Deleted];

    public async Task OnGetAsync()
    {
        try
        {
            var request = new ListJobRunsRequest { PageSize = options.PageSize, PageToken = PageToken ?? "", NameContains = Name ?? "", State = State };
            var response = await Api.Jobs.ListJobRunsAsync(request, cancellationToken: Aborted);
            Rows = [.. response.JobRuns.Select(JobRunRow.From)];
            Pager = new PagerViewModel("/Admin/Jobs/Index", PageToken, response.NextPageToken, new Dictionary<string, string?>
            {
                ["name"] = string.IsNullOrWhiteSpace(Name) ? null : Name,
                ["state"] = State == JobState.Unspecified ? null : State.ToString(),
            });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public Task<IActionResult> OnPostRetryAsync(string jobId) => ActAsync(async () =>
    {
        var run = (await Api.Jobs.RetryJobRunAsync(new RetryJobRunRequest { JobId = jobId }, cancellationToken: Aborted)).JobRun;
        return $"{run.Name} ({run.JobId}) is queued to run again.";
    });

    public Task<IActionResult> OnPostDeleteAsync(string jobId) => ActAsync(async () =>
    {
        var run = (await Api.Jobs.DeleteJobRunAsync(new DeleteJobRunRequest { JobId = jobId }, cancellationToken: Aborted)).JobRun;
        return $"{run.Name} ({run.JobId}) was deleted.";
    });

    /// <summary>Runs an action, then shows the list as it was filtered, with what happened on top.</summary>
    private async Task<IActionResult> ActAsync(Func<Task<string>> action)
    {
        try
        {
            FlashNext(await action());
            return RedirectToPage("/Admin/Jobs/Index", new { name = Name, state = State == JobState.Unspecified ? null : State.ToString() });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }
}

/// <summary>One run as the table shows it.</summary>
public sealed partial record JobRunRow(string JobId, string Name, JobState State, string Detail, DateTimeOffset? Created, DateTimeOffset? Updated)
{
    public static JobRunRow From(JobRun run) =>
        new(run.JobId, run.Name, run.State, run.Detail, run.CreateTime?.ToDateTimeOffset(), run.UpdateTime?.ToDateTimeOffset());

    /// <summary>The import an import job runs for: its name carries the import's id ("Import commit imp_…").</summary>
    public string? ImportId => ImportIdPattern().Match(Name) is { Success: true } match ? match.Value : null;

    [GeneratedRegex(@"\bimp_[0-9a-f]{32}\b")]
    private static partial Regex ImportIdPattern();

    public string StateLabel => Label(State);

    public bool CanRetry => State is JobState.Succeeded or JobState.Failed or JobState.Deleted or JobState.Scheduled;

    public bool CanDelete => State is not JobState.Deleted;

    public static string Label(JobState state) => state == JobState.Unspecified ? "Unknown" : state.ToString();
}
