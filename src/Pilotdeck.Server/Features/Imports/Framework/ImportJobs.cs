using System.Globalization;
using Hangfire;
using Pilotdeck.Data.Imports;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// Big imports run as background jobs (ADR 0010): each job runs in its tenant's scope, its state
/// shows on the tenant's jobs page, and the import's progress is on the import itself. A job is
/// not retried automatically: a failed plan or commit leaves the import FAILED with the reason,
/// and a commit that failed changed nothing.
/// </summary>
public sealed class ImportJobs(IBackgroundJobClient jobs, ImportEngine engine, ChangeReceipts receipts)
{
    public const string JobActor = "imports";

    /// <summary>Queues the dry-run of a stored import and marks it PLANNING.</summary>
    public async Task<ImportRecord> QueuePlanAsync(ImportRecord import, CancellationToken cancellationToken)
    {
        // State first: the job may start, and finish, before Enqueue returns.
        await engine.SetStateAsync(import, ImportStates.Planning, cancellationToken);
        var jobId = jobs.Enqueue<ImportJobs>(j => j.PlanJobAsync(import.Id, CancellationToken.None));
        await engine.AttachJobAsync(import.Id, jobId, cancellationToken);
        import.JobId = jobId;
        return import;
    }

    /// <summary>Queues the commit of a planned import; the caller has passed the policy and recorded that.</summary>
    public async Task<string> QueueCommitAsync(string importId, string planHash, CancellationToken cancellationToken)
    {
        var jobId = jobs.Enqueue<ImportJobs>(j => j.CommitJobAsync(importId, planHash, CancellationToken.None));
        await engine.AttachJobAsync(importId, jobId, cancellationToken);
        return jobId;
    }

    /// <returns>What the job did, for its run on the Job runs page.</returns>
    [JobDisplayName("Import dry-run {0}")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<string> PlanJobAsync(string importId, CancellationToken cancellationToken)
    {
        receipts.ForJob(JobActor);
        await engine.EnsurePlannableAsync(await engine.FindAsync(importId, cancellationToken), byItsJob: true, cancellationToken);
        var import = await engine.PlanAsync(importId, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Rows(import.RowsTotal)} planned: {import.CreatedCount:N0} to create, {import.UpdatedCount:N0} to update, {import.UnchangedCount:N0} unchanged, {import.RejectedCount:N0} rejected");
    }

    /// <returns>What the job did, for its run on the Job runs page.</returns>
    [JobDisplayName("Import commit {0}")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<string> CommitJobAsync(string importId, string planHash, CancellationToken cancellationToken)
    {
        receipts.ForJob(JobActor);
        var import = await engine.CommitAsync(importId, planHash, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Rows(import.RowsTotal)} committed: {import.CreatedCount:N0} created, {import.UpdatedCount:N0} updated, {import.UnchangedCount:N0} unchanged, {import.RejectedCount:N0} rejected");
    }

    private static string Rows(long count) => string.Create(CultureInfo.InvariantCulture, $"{count:N0} row{(count == 1 ? "" : "s")}");
}
