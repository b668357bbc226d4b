using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Contracts.Jobs.V1;

namespace Pilotdeck.Cli.Jobs;

/// <summary>
/// <c>pilotdeck jobs list | retry | delete</c>: the tenant's background job runs (imports, reports,
/// notifications, retention), as the portal's Job runs page shows them (admins).
/// </summary>
public static class JobsCommand
{
    private static readonly Column<JobRun>[] Columns =
    [
        new("job_id", r => r.JobId),
        new("name", r => r.Name),
        new("state", r => r.State),
        new("detail", r => r.Detail),
        new("create_time", r => r.CreateTime?.ToDateTimeOffset()),
        new("update_time", r => r.UpdateTime?.ToDateTimeOffset()),
    ];

    private static readonly string[] States = ["enqueued", "scheduled", "processing", "succeeded", "failed", "deleted", "awaiting"];

    public static Command Create(ApiContext api) => new("jobs", "The tenant's background job runs: imports, reports, notifications, retention (admins).")
    {
        List(api),
        Retry(api),
        Delete(api),
    };

    private static Command List(ApiContext api)
    {
        var state = new Option<string?>("--state") { Description = "Only runs in this state: " + string.Join(", ", States) + "." };
        state.AcceptOnlyFromAmong(States);
        var name = new Option<string?>("--name") { Description = "Only runs whose name contains this text (any case), e.g. an import's id." };
        var limit = Paging.LimitOption("newest first", 50);
        var output = Renderer.CreateOption();
        var command = new Command("list", "List job runs, newest first.") { state, name, limit, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var request = new ListJobRunsRequest
            {
                State = Enum.TryParse<JobState>(parse.GetValue(state), ignoreCase: true, out var s) ? s : JobState.Unspecified,
                NameContains = parse.GetValue(name) ?? "",
            };
            var runs = await Paging.CollectAsync(parse, limit, async (size, pageToken) =>
            {
                request.PageSize = size;
                request.PageToken = pageToken;
                var page = await client.Jobs.ListJobRunsAsync(request, cancellationToken: token);
                return (page.JobRuns.AsEnumerable(), page.NextPageToken);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, output), runs, Columns,
                request.State == JobState.Unspecified && request.NameContains.Length == 0 ? "No job runs yet." : "No job runs match.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Retry(ApiContext api) => Act(api, "retry", "Run a finished, failed, deleted or scheduled run again now.",
        async (client, id, token) => (await client.Jobs.RetryJobRunAsync(new RetryJobRunRequest { JobId = id }, cancellationToken: token)).JobRun,
        run => $"Job {run.JobId} is queued again. Follow it: pilotdeck jobs list --name \"{run.Name}\"");

    private static Command Delete(ApiContext api) => Act(api, "delete", "Delete a run: a queued or scheduled one will not run, a running one is asked to stop.",
        async (client, id, token) => (await client.Jobs.DeleteJobRunAsync(new DeleteJobRunRequest { JobId = id }, cancellationToken: token)).JobRun,
        run => $"Job {run.JobId} is deleted.");

    /// <summary>A command that acts on one run by its id and prints the run as it is afterwards.</summary>
    private static Command Act(ApiContext api, string verb, string description, Func<Pilotdeck.Client.PilotdeckClient, string, CancellationToken, Task<JobRun>> call, Func<JobRun, string> said)
    {
        var id = new Argument<string>("job-id") { Description = "The run's id (the job_id column of `pilotdeck jobs list`)." };
        var output = Renderer.CreateOption();
        var command = new Command(verb, description) { id, output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var run = await call(client, parse.GetValue(id)!, token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), run, Columns);
            parse.InvocationConfiguration.Error.WriteLine(said(run));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
