using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Jobs;

namespace Pilotdeck.Server.Tests.Platform.Jobs;

/// <summary>
/// Jobs run in the tenant that enqueued them, on the real host's real job server: the data layer
/// filters a job's reads to that tenant, and an unbound job sees no tenant's rows.
/// </summary>
public abstract class JobTenancyTests<TFixture> : IClassFixture<TFixture>
    where TFixture : JobsHostFixture
{
    private readonly TFixture _host;

    protected JobTenancyTests(TFixture host) => _host = host;

    private async Task<(string JobId, TenantView View)> RunProbeAsync(string? tenantId)
    {
        var probe = Guid.NewGuid().ToString("N");
        await using var scope = tenantId is null ? _host.Services.CreateAsyncScope() : _host.Services.CreateTenantScope(tenantId);
        var jobId = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>().Enqueue<ProbeJobs>(j => j.SeeAsync(probe));
        Assert.Equal("Succeeded", await _host.WaitForFinalStateAsync(jobId));
        return (jobId, ProbeJobs.Seen[probe]);
    }

    [Fact]
    public async Task Enqueue_InTenantScope_StampsTenantParameter()
    {
        var (jobId, _) = await RunProbeAsync(_host.Acme.TenantId);

        using var connection = _host.Storage.GetConnection();
        Assert.Equal("\"acme\"", connection.GetJobParameter(jobId, TenantJobs.TenantParameter));
    }

    [Fact]
    public async Task Job_EnqueuedInTenantA_SeesOnlyTenantARows()
    {
        var (_, view) = await RunProbeAsync(_host.Acme.TenantId);

        Assert.Equal("acme", view.BoundTenant);
        Assert.NotEmpty(view.ApiClientTenants);
        Assert.NotEmpty(view.MemberTenants);
        Assert.All(view.ApiClientTenants, t => Assert.Equal("acme", t));
        Assert.All(view.MemberTenants, t => Assert.Equal("acme", t));
    }

    [Fact]
    public async Task Job_EnqueuedInTenantB_SeesOnlyTenantBRows()
    {
        var (_, view) = await RunProbeAsync(_host.Demo.TenantId);

        Assert.Equal("demo", view.BoundTenant);
        Assert.NotEmpty(view.ApiClientTenants);
        Assert.DoesNotContain("acme", view.ApiClientTenants.Concat(view.MemberTenants));
    }

    [Fact]
    public async Task Job_EnqueuedUnbound_RunsUnboundAndSeesNoTenantRows()
    {
        var (jobId, view) = await RunProbeAsync(tenantId: null);

        Assert.Null(view.BoundTenant);
        Assert.Empty(view.ApiClientTenants);
        Assert.Empty(view.MemberTenants);
        using var connection = _host.Storage.GetConnection();
        Assert.Null(connection.GetJobParameter(jobId, TenantJobs.TenantParameter));
    }
}

public sealed class SqliteJobTenancyTests(SqliteJobsHostFixture host) : JobTenancyTests<SqliteJobsHostFixture>(host);

public sealed class PostgresJobTenancyTests(PostgresJobsHostFixture host) : JobTenancyTests<PostgresJobsHostFixture>(host);
