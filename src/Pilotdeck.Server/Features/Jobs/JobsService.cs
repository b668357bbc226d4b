using Google.Protobuf.WellKnownTypes;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Jobs.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Jobs;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Jobs;

/// <summary>
/// pilotdeck.jobs.v1: the caller's tenant's job runs. Every run is looked up through the data layer's
/// tenant filter before the job server is told anything, so another tenant's job id is NOT_FOUND
/// exactly like an id that never existed.
/// </summary>
public sealed class JobsService(PilotdeckDbContext db, IBackgroundJobClient jobs, Pager pager, ChangeReceipts receipts)
    : Contracts.Jobs.V1.JobsService.JobsServiceBase
{
    public override async Task<ListJobRunsResponse> ListJobRuns(ListJobRunsRequest request, ServerCallContext context)
    {
        var nameContains = request.NameContains.Trim();
        var page = pager.Read(request.PageSize, request.PageToken, $"state={request.State};name_contains={nameContains}");
        var query = db.JobRuns.AsNoTracking();
        if (request.State != JobState.Unspecified)
        {
            var state = JobStates.ToServerName(request.State)
                ?? throw ApiErrors.InvalidArgument(new FieldViolation("state", $"unknown state {(int)request.State}"));
            query = query.Where(r => r.State == state);
        }

        if (nameContains.Length > 0)
        {
            var lowered = nameContains.ToLowerInvariant();
            query = query.Where(r => r.Name.ToLower().Contains(lowered));
        }

        if (page.After is { } after)
        {
            var (created, id) = NewestFirstKey.Parse(after);
            query = query.Where(r => r.CreatedAt < created || (r.CreatedAt == created && string.Compare(r.JobId, id) < 0));
        }

        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.JobId)
            .Take(page.FetchCount).ToListAsync(context.CancellationToken);
        var (items, next) = pager.Page(page, rows, r => new NewestFirstKey(r.CreatedAt, r.JobId).ToString());
        var response = new ListJobRunsResponse { NextPageToken = next };
        response.JobRuns.AddRange(items.Select(ToContract));
        return response;
    }

    public override async Task<RetryJobRunResponse> RetryJobRun(RetryJobRunRequest request, ServerCallContext context)
    {
        var run = await FindAsync(request.JobId, context.CancellationToken);
        var requeued = ToContract(await RequeueAsync(run, context.CancellationToken));
        return await receipts.RecordAsync(context.Method, r => JobRunName(r.JobRun.JobId),
            () => Task.FromResult(new RetryJobRunResponse { JobRun = requeued }), context.CancellationToken);
    }

    /// <remarks>
    /// The job server keeps its jobs in its own storage, so its change cannot share the receipt's
    /// transaction; it also writes the run's row through <c>JobRunRecorder</c> on another
    /// connection, which must not wait on a write lock held here. The receipt follows the accepted
    /// change; if writing it fails, the call fails and says so, and the run stays requeued.
    /// </remarks>
    private async Task<JobRunRecord> RequeueAsync(JobRunRecord run, CancellationToken cancellationToken)
    {
        if (!JobStates.CanRetry(run.State) || !jobs.Requeue(run.JobId))
        {
            var state = JobStates.CanRetry(run.State) ? "expired" : run.State.ToLowerInvariant();
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.JobRunNotRetryable,
                state == "expired"
                    ? $"Job run {run.JobId} is no longer held by the job server; the next scheduled run does its work."
                    : $"Job run {run.JobId} is {state}; only finished, failed, deleted or scheduled runs can be retried.",
                new Dictionary<string, string> { ["state"] = state });
        }

        return await FindAsync(run.JobId, cancellationToken);
    }

    public override async Task<DeleteJobRunResponse> DeleteJobRun(DeleteJobRunRequest request, ServerCallContext context)
    {
        var run = await FindAsync(request.JobId, context.CancellationToken);
        if (run.State == JobStates.Deleted)
        {
            // Deleting a deleted run changes nothing, so it leaves no receipt either.
            return new DeleteJobRunResponse { JobRun = ToContract(run) };
        }

        // As for a retry, the job server's change comes first and outside the receipt's transaction.
        var knownToJobServer = jobs.Delete(run.JobId);
        return await receipts.RecordAsync(context.Method, r => JobRunName(r.JobRun.JobId), async () =>
        {
            if (!knownToJobServer)
            {
                // The job server already forgot it: only this tenant's row remains, and it says so.
                await db.JobRuns.Where(r => r.JobId == run.JobId).ExecuteUpdateAsync(set => set
                    .SetProperty(r => r.State, JobStates.Deleted)
                    .SetProperty(r => r.Detail, "Deleted after the job server had expired it"), context.CancellationToken);
            }

            return new DeleteJobRunResponse { JobRun = ToContract(await FindAsync(run.JobId, context.CancellationToken)) };
        }, context.CancellationToken);
    }

    private async Task<JobRunRecord> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(jobId))
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("job_id", "is required"));
        }

        return await db.JobRuns.AsNoTracking().SingleOrDefaultAsync(r => r.JobId == jobId, cancellationToken)
            ?? throw ApiErrors.NotFound(ErrorReason.JobRunNotFound, "Job run", jobId);
    }

    private static string JobRunName(string jobId) => "job-runs/" + jobId;

    private static JobRun ToContract(JobRunRecord run) => new()
    {
        JobId = run.JobId,
        Name = run.Name,
        State = JobStates.FromServerName(run.State),
        Detail = run.Detail ?? "",
        CreateTime = Timestamp.FromDateTimeOffset(run.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(run.UpdatedAt),
    };
}
