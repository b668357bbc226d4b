using Grpc.Core;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Jobs.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Jobs;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Guardian;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.Server.Tests.Platform.Jobs;

namespace Pilotdeck.Server.Tests.Features.Jobs;

/// <summary>
/// pilotdeck.jobs.v1 on the real host and job server, per database provider: a tenant admin lists,
/// filters, retries and deletes its own tenant's runs, and every attempt to reach another
/// tenant's run is NOT_FOUND.
/// </summary>
public abstract class JobRunsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : JobsHostFixture
{
    private readonly TFixture _host;

    protected JobRunsApiTests(TFixture host) => _host = host;

    private JobsService.JobsServiceClient Client => new(_host.CreateChannel());

    private async Task<Metadata> AdminOfAsync(TenantUnderTest tenant) =>
        HostFixture.Bearer(await _host.UserTokenAsync(tenant.OwnerEmail, tenant.OwnerPassword));

    private async Task<string> EnqueueInAsync(string tenantId, Func<IBackgroundJobClient, string> enqueue)
    {
        await using var scope = _host.Services.CreateTenantScope(tenantId);
        return enqueue(scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>());
    }

    private async Task<List<JobRun>> ListAllAsync(Metadata caller, ListJobRunsRequest request)
    {
        var runs = new List<JobRun>();
        do
        {
            var page = await Client.ListJobRunsAsync(request, caller);
            runs.AddRange(page.JobRuns);
            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return runs;
    }

    [Fact]
    public async Task ListJobRuns_AfterARecurringFiring_EachTenantSeesOnlyItsOwnRun()
    {
        var runIds = await _host.FireAndWaitAsync(GuardianRetention.JobId);

        var acme = await ListAllAsync(await AdminOfAsync(_host.Acme), new ListJobRunsRequest { NameContains = "RETENTION" });
        var demo = await ListAllAsync(await AdminOfAsync(_host.Demo), new ListJobRunsRequest { NameContains = "retention" });

        // One run per tenant; each tenant sees exactly its own, finished, with its outcome.
        var acmeRun = Assert.Single(acme, r => runIds.Contains(r.JobId));
        var demoRun = Assert.Single(demo, r => runIds.Contains(r.JobId));
        Assert.NotEqual(acmeRun.JobId, demoRun.JobId);
        Assert.DoesNotContain(acme, r => r.JobId == demoRun.JobId);
        Assert.Equal("Guardian history retention", acmeRun.Name);
        Assert.Equal(JobState.Succeeded, acmeRun.State);
        Assert.Matches("^[0-9]+ analyses older than 180 days deleted$", acmeRun.Detail);
        Assert.True(acmeRun.UpdateTime >= acmeRun.CreateTime);
    }

    [Fact]
    public async Task RetryJobRun_AFailedRun_RunsAgainAndSucceeds()
    {
        var probe = Guid.NewGuid().ToString("N");
        var jobId = await EnqueueInAsync("acme", jobs => jobs.Enqueue<ProbeJobs>(j => j.FailOnce(probe)));
        Assert.Equal("Failed", await _host.WaitForFinalStateAsync(jobId));
        var admin = await AdminOfAsync(_host.Acme);

        var failed = await ListAllAsync(admin, new ListJobRunsRequest { State = JobState.Failed, NameContains = "fails once" });
        var run = Assert.Single(failed, r => r.JobId == jobId);
        Assert.Contains($"probe {probe} fails its first run", run.Detail);

        var retried = await Client.RetryJobRunAsync(new RetryJobRunRequest { JobId = jobId }, admin);
        Assert.Equal(jobId, retried.JobRun.JobId);
        Assert.NotEqual(JobState.Failed, retried.JobRun.State);
        Assert.Equal("Succeeded", await _host.WaitForFinalStateAsync(jobId));

        var succeeded = await ListAllAsync(admin, new ListJobRunsRequest { State = JobState.Succeeded, NameContains = "fails once" });
        Assert.Equal($"probe {probe} succeeded", Assert.Single(succeeded, r => r.JobId == jobId).Detail);
    }

    [Fact]
    public async Task DeleteJobRun_AScheduledRun_IsDeletedAndNeverRuns()
    {
        var probe = Guid.NewGuid().ToString("N");
        var jobId = await EnqueueInAsync("acme", jobs => jobs.Schedule<ProbeJobs>(j => j.SeeAsync(probe), TimeSpan.FromHours(1)));
        var admin = await AdminOfAsync(_host.Acme);

        var deleted = await Client.DeleteJobRunAsync(new DeleteJobRunRequest { JobId = jobId }, admin);
        var again = await Client.DeleteJobRunAsync(new DeleteJobRunRequest { JobId = jobId }, admin);

        Assert.Equal(JobState.Deleted, deleted.JobRun.State);
        Assert.Equal(JobState.Deleted, again.JobRun.State);
        await using (var scope = _host.Services.CreateTenantScope("acme"))
        {
            // The second delete changed nothing, so it left no receipt.
            var receipt = Assert.Single(await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Receipts.Where(r => r.Subject == "job-runs/" + jobId).ToListAsync());
            Assert.Equal("/pilotdeck.jobs.v1.JobsService/DeleteJobRun", receipt.Action);
            Assert.Equal("user:" + _host.Acme.OwnerUserId, receipt.Actor);
        }

        using var connection = _host.Storage.GetConnection();
        Assert.Equal("Deleted", connection.GetStateData(jobId).Name);
        Assert.False(ProbeJobs.Seen.ContainsKey(probe));
    }

    [Fact]
    public async Task RetryJobRun_ARunStillQueued_IsFailedPreconditionWithItsState()
    {
        var probe = Guid.NewGuid().ToString("N");
        // A queue no worker of this host listens to keeps the run Enqueued for as long as the test needs.
        var jobId = await EnqueueInAsync("acme", jobs =>
            jobs.Create(Hangfire.Common.Job.FromExpression<ProbeJobs>(j => j.SeeAsync(probe)), new Hangfire.States.EnqueuedState("unwatched")));
        var admin = await AdminOfAsync(_host.Acme);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.RetryJobRunAsync(new RetryJobRunRequest { JobId = jobId }, admin).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("JOB_RUN_NOT_RETRYABLE", ApiErrors.ReasonOf(error));
        Assert.Equal("enqueued", ApiErrors.MetadataOf(error)["state"]);
        await Client.DeleteJobRunAsync(new DeleteJobRunRequest { JobId = jobId }, admin);
    }

    [Fact]
    public async Task AnotherTenantsRun_ListRetryDelete_NeverReachIt()
    {
        var probe = Guid.NewGuid().ToString("N");
        var demoJobId = await EnqueueInAsync("demo", jobs => jobs.Schedule<ProbeJobs>(j => j.SeeAsync(probe), TimeSpan.FromHours(1)));
        var acmeAdmin = await AdminOfAsync(_host.Acme);

        var listed = await ListAllAsync(acmeAdmin, new ListJobRunsRequest());
        var retry = await Assert.ThrowsAsync<RpcException>(() => Client.RetryJobRunAsync(new RetryJobRunRequest { JobId = demoJobId }, acmeAdmin).ResponseAsync);
        var delete = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteJobRunAsync(new DeleteJobRunRequest { JobId = demoJobId }, acmeAdmin).ResponseAsync);

        Assert.DoesNotContain(listed, r => r.JobId == demoJobId);
        Assert.Equal(StatusCode.NotFound, retry.StatusCode);
        Assert.Equal("JOB_RUN_NOT_FOUND", ApiErrors.ReasonOf(retry));
        Assert.Equal(StatusCode.NotFound, delete.StatusCode);
        Assert.Equal("JOB_RUN_NOT_FOUND", ApiErrors.ReasonOf(delete));
        using var connection = _host.Storage.GetConnection();
        Assert.Equal("Scheduled", connection.GetStateData(demoJobId).Name);
    }

    [Fact]
    public async Task ListJobRuns_SmallPages_WalkEveryRunNewestFirstOnce()
    {
        var probes = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var probe in probes)
        {
            await EnqueueInAsync("acme", jobs => jobs.Schedule<ProbeJobs>(j => j.SeeAsync(probe), TimeSpan.FromHours(1)));
        }

        var admin = await AdminOfAsync(_host.Acme);
        var paged = await ListAllAsync(admin, new ListJobRunsRequest { PageSize = 2, State = JobState.Scheduled });
        var whole = await ListAllAsync(admin, new ListJobRunsRequest { PageSize = 200, State = JobState.Scheduled });

        Assert.Equal(whole.Select(r => r.JobId), paged.Select(r => r.JobId));
        Assert.Equal(paged.Count, paged.Select(r => r.JobId).Distinct().Count());
        Assert.True(paged.Count >= probes.Count);
        Assert.Equal(paged.OrderByDescending(r => r.CreateTime).ThenByDescending(r => r.JobId, StringComparer.Ordinal).Select(r => r.JobId), paged.Select(r => r.JobId));
    }

    [Fact]
    public async Task PurgeJobHistory_RunsOlderThanRetention_AreDeletedRecentKept()
    {
        var now = DateTimeOffset.UtcNow;
        JobRunRecord Row(int ageDays) => new()
        {
            JobId = "history-" + Guid.NewGuid().ToString("N"), Name = "old run", State = "Succeeded",
            CreatedAt = now.AddDays(-ageDays), UpdatedAt = now.AddDays(-ageDays),
        };
        var old = Row(31);
        var recent = Row(29);
        await using (var scope = _host.Services.CreateTenantScope("acme"))
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            db.JobRuns.AddRange(old, recent);
            await db.SaveChangesAsync();
        }

        await _host.FireAndWaitAsync(Housekeeping.PurgeJobHistoryJobId);

        await using var check = _host.Services.CreateTenantScope("acme");
        var remaining = await check.ServiceProvider.GetRequiredService<PilotdeckDbContext>().JobRuns
            .Where(r => r.JobId == old.JobId || r.JobId == recent.JobId).Select(r => r.JobId).ToListAsync();
        Assert.Equal([recent.JobId], remaining);
    }
}

public sealed class SqliteJobRunsApiTests(SqliteJobsHostFixture host) : JobRunsApiTests<SqliteJobsHostFixture>(host);

public sealed class PostgresJobRunsApiTests(PostgresJobsHostFixture host) : JobRunsApiTests<PostgresJobsHostFixture>(host);
