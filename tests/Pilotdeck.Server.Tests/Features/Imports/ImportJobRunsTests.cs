using Grpc.Core;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Jobs.V1;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Imports;

/// <summary>
/// An import's jobs as an admin meets them on the Job runs page: named with the import, telling
/// what they did, and safe to retry — a retried dry-run never reopens an import already committed.
/// </summary>
public abstract class ImportJobRunsTests<TFixture> : IClassFixture<TFixture>
    where TFixture : ImportsHostFixture
{
    private readonly TFixture _host;
    private readonly ImportsTestSupport _support;

    protected ImportJobRunsTests(TFixture host)
    {
        _host = host;
        _support = new ImportsTestSupport(host);
    }

    private JobsService.JobsServiceClient Jobs => new(_host.CreateChannel());

    [Fact]
    public async Task ImportJobs_AreNamedWithTheImport_AndSayWhatTheyDid()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var (planJob, commitJob, import) = await CommitBigFileAsync(owner, rows: 700);

        var plan = await JobRunAsync(owner, planJob);
        var commit = await JobRunAsync(owner, commitJob);

        Assert.Equal(("Import dry-run " + import.ImportId, JobState.Succeeded), (plan.Name, plan.State));
        Assert.Equal("700 rows planned: 700 to create, 0 to update, 0 unchanged, 0 rejected", plan.Detail);
        Assert.Equal(("Import commit " + import.ImportId, JobState.Succeeded), (commit.Name, commit.State));
        Assert.Equal("700 rows committed: 700 created, 0 updated, 0 unchanged, 0 rejected", commit.Detail);
    }

    [Fact]
    public async Task RetryingTheDryRunJob_OfACommittedImport_FailsAndLeavesTheImportCommitted()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var (planJob, _, import) = await CommitBigFileAsync(owner, rows: 700);
        var rowsBefore = await _support.RowsAsync(owner, import.ImportId);

        await Jobs.RetryJobRunAsync(new RetryJobRunRequest { JobId = planJob }, owner);
        Assert.Equal("Failed", await _host.WaitForFinalStateAsync(planJob));

        var after = (await _support.Imports.GetImportAsync(new GetImportRequest { ImportId = import.ImportId }, owner)).Import;
        Assert.Equal((ImportState.Committed, 700L, import.PlanHash), (after.State, after.CreatedCount, after.PlanHash));
        Assert.Equal(rowsBefore.Count, (await _support.RowsAsync(owner, import.ImportId)).Count);
        Assert.Contains("is committed; only an uploaded, planned or failed import can be planned", (await JobRunAsync(owner, planJob)).Detail, StringComparison.Ordinal);
    }

    /// <summary>Uploads a file big enough for a job to plan it, commits the plan with a job, and waits for both.</summary>
    private async Task<(string PlanJob, string CommitJob, Import Committed)> CommitBigFileAsync(Metadata owner, int rows)
    {
        var d = ImportsTestSupport.Domain();
        var csv = ImportsTestSupport.Csv([.. Enumerable.Range(0, rows).Select(i => $"user{i:D5}@{d},,Given{i},Family{i},true,VIEWER")]);
        var uploaded = await _support.UploadAsync(owner, csv, chunkSize: 16 * 1024);
        var (_, planned) = await _support.WatchAsync(owner, uploaded.ImportId);
        Assert.Equal(ImportState.Planned, planned.State);
        var committing = (await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = planned.ImportId, PlanHash = planned.PlanHash }, owner)).Import;
        var (_, committed) = await _support.WatchAsync(owner, planned.ImportId);
        Assert.Equal(ImportState.Committed, committed.State);
        Assert.Equal("Succeeded", await _host.WaitForFinalStateAsync(uploaded.JobId));
        Assert.Equal("Succeeded", await _host.WaitForFinalStateAsync(committing.JobId));
        return (uploaded.JobId, committing.JobId, committed);
    }

    private async Task<JobRun> JobRunAsync(Metadata caller, string jobId)
    {
        var request = new ListJobRunsRequest { NameContains = "Import", PageSize = 200 };
        var runs = await Jobs.ListJobRunsAsync(request, caller);
        return Assert.Single(runs.JobRuns, r => r.JobId == jobId);
    }
}

public sealed class SqliteImportJobRunsTests(SqliteImportsHostFixture host) : ImportJobRunsTests<SqliteImportsHostFixture>(host);

public sealed class PostgresImportJobRunsTests(PostgresImportsHostFixture host) : ImportJobRunsTests<PostgresImportsHostFixture>(host);
