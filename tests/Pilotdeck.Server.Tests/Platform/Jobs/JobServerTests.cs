using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Hosting;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Platform.Jobs;

/// <summary>The embedded job store and the job server's lifecycle, on hosts of their own (these tests stop them).</summary>
public sealed class JobServerTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-jobs-" + Guid.NewGuid().ToString("N"));

    private Task<WebApplication> StartHostAsync() => StartHostAsync(_dataDirectory);

    internal static async Task<WebApplication> StartHostAsync(string dataDirectory, params string[] extra)
    {
        var app = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=http://127.0.0.1:0",
            "--Pilotdeck:PortalUrl=http://127.0.0.1:0",
            $"--Pilotdeck:Database:DataDirectory={dataDirectory}",
            "--Pilotdeck:SeedDemo=true",
            "--Serilog:MinimumLevel=Warning",
            .. JobsHostFixture.FastPolling,
            .. extra,
        ]);
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task SqliteStore_HostRestarts_KeepsScheduledJobAndItsTenant()
    {
        var probe = Guid.NewGuid().ToString("N");
        string jobId;
        await using (var first = await StartHostAsync())
        {
            await using var scope = first.Services.CreateTenantScope("demo");
            jobId = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>()
                .Schedule<ProbeJobs>(j => j.SeeAsync(probe), TimeSpan.FromHours(1));
            await first.StopAsync();
        }

        Assert.True(File.Exists(Path.Combine(_dataDirectory, JobStorageFactory.SqliteFileName)));
        await using var second = await StartHostAsync();
        var storage = second.Services.GetRequiredService<JobStorage>();
        using (var connection = storage.GetConnection())
        {
            Assert.Equal("Scheduled", connection.GetStateData(jobId)?.Name);
        }

        Assert.True(new BackgroundJobClient(storage).Requeue(jobId));
        Assert.Equal("Succeeded", await JobWaits.FinalStateAsync(storage, jobId));
        Assert.Equal("demo", ProbeJobs.Seen[probe].BoundTenant);
    }

    [Fact]
    public async Task JobsReadiness_ServerRunningThenStopped_HealthyThenUnhealthy()
    {
        await using var app = await StartHostAsync();
        var health = app.Services.GetRequiredService<HealthCheckService>();

        // Hangfire starts the server once the host has started; until then the check says degraded.
        var report = await WaitForAsync(health, HealthStatus.Healthy);
        Assert.Equal(HealthStatus.Healthy, report.Entries["jobs"].Status);

        // Stopping the host stops its job server (AddHangfireServer registers it transient, so there
        // is no handle on the running instance); the storage and the check stay usable until disposal.
        await app.StopAsync();
        report = await WaitForAsync(health, HealthStatus.Unhealthy);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["jobs"].Status);
    }

    [Fact]
    public async Task JobServer_WorkersConfigured_RunsThatManyWorkers()
    {
        await using var app = await StartHostAsync(_dataDirectory, "--Pilotdeck:Jobs:Workers=3");
        var health = app.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await WaitForAsync(health, HealthStatus.Healthy)).Entries["jobs"].Status);

        var identity = app.Services.GetRequiredService<JobServerIdentity>();
        var server = Assert.Single(identity.ServersIn(app.Services.GetRequiredService<JobStorage>()));
        Assert.Equal(3, server.WorkersCount);
    }

    [Theory]
    [InlineData(null, "Sqlite")]
    [InlineData("Postgres", "Postgres")]
    [InlineData("sqlserver", "SqlServer")]
    public void JobStorageKind_DatabaseProvider_PicksThatProvidersStorage(string? provider, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pilotdeck:Database:Provider"] = provider })
            .Build();

        Assert.Equal(expected, JobStorageFactory.KindOf(configuration));
    }

    private static async Task<HealthReport> WaitForAsync(HealthCheckService health, HealthStatus wanted)
    {
        for (var attempt = 0; ; attempt++)
        {
            var report = await health.CheckHealthAsync(check => check.Name == "jobs");
            if (report.Entries["jobs"].Status == wanted || attempt == 50)
            {
                return report;
            }

            await Task.Delay(100);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the files a moment longer; a stray temp directory is harmless.
        }

        return Task.CompletedTask;
    }
}
