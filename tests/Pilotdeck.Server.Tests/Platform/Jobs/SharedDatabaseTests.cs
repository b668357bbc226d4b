using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.TestSupport;
using Xunit.Abstractions;

namespace Pilotdeck.Server.Tests.Platform.Jobs;

/// <summary>
/// Two hosts on one PostgreSQL database, as a scaled-out installation runs: the recurring-job
/// scheduler is coordinated through the database, so each firing runs once, not once per host.
/// </summary>
public sealed class SharedDatabaseTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<string> _dataDirectories = [];
    private Func<Task> _drop = () => Task.CompletedTask;
    private string _connectionString = "";

    public async Task InitializeAsync() => (_connectionString, _drop) = await ThrowawayPostgres.CreateDatabaseAsync("pd_jobs");

    private Task<WebApplication> StartHostAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "pilotdeck-jobs-" + Guid.NewGuid().ToString("N"));
        _dataDirectories.Add(directory);
        return JobServerTests.StartHostAsync(directory,
            "--Pilotdeck:Database:Provider=Postgres",
            $"--Pilotdeck:Database:ConnectionString={_connectionString}");
    }

    [Fact]
    public async Task RecurringJob_TwoHostsOnOneDatabase_EachFiringRunsExactlyOnce()
    {
        await using var first = await StartHostAsync();
        await using var second = await StartHostAsync();
        var probe = Guid.NewGuid().ToString("N");
        var recurringJobId = "probe-" + probe;

        // Every second, for several seconds: both hosts' schedulers see every firing come due.
        first.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<ProbeJobs>(recurringJobId, j => j.Fire(probe, null), "* * * * * *");
        await Task.Delay(TimeSpan.FromSeconds(6));
        first.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(recurringJobId);
        // Let jobs created by the last firing finish on whichever host took them.
        await Task.Delay(TimeSpan.FromSeconds(2));

        var firings = ProbeJobs.Firings.Where(f => f.Probe == probe).ToList();
        output.WriteLine($"{firings.Count} executions of {firings.Select(f => f.FiringTime).Distinct().Count()} firings on {firings.Select(f => f.Server).Distinct().Count()} server(s)");
        Assert.True(firings.Count >= 3, $"only {firings.Count} firing(s) ran");
        var repeated = firings.GroupBy(f => f.FiringTime).Where(g => g.Count() > 1).Select(g => $"{g.Key}×{g.Count()}").ToList();
        Assert.True(repeated.Count == 0, "firings that ran more than once: " + string.Join(", ", repeated));
    }

    public async Task DisposeAsync()
    {
        await _drop();
        foreach (var directory in _dataDirectories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A stray temp directory is harmless.
            }
        }
    }
}
