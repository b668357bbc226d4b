using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Platform.Jobs;

/// <summary>The real host with its job server polling often, so tests wait fractions of a second, not 15 s.</summary>
public abstract class JobsHostFixture : HostFixture
{
    public const string FastPolling = "--Pilotdeck:Jobs:PollInterval=00:00:00.200";

    protected override IEnumerable<string> ExtraArgs => [FastPolling];

    public JobStorage Storage => Services.GetRequiredService<JobStorage>();

    public Task<string> WaitForFinalStateAsync(string jobId) => JobWaits.FinalStateAsync(Storage, jobId);
}

public sealed class SqliteJobsHostFixture : JobsHostFixture
{
    protected override Data.DatabaseProvider Provider => Data.DatabaseProvider.Sqlite;
}

public sealed class PostgresJobsHostFixture : JobsHostFixture
{
    protected override Data.DatabaseProvider Provider => Data.DatabaseProvider.Postgres;
}

public static class JobWaits
{
    /// <summary>Waits until the job has succeeded or failed (or been deleted) and returns that state's name.</summary>
    public static async Task<string> FinalStateAsync(JobStorage storage, string jobId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            using (var connection = storage.GetConnection())
            {
                var state = connection.GetStateData(jobId)?.Name;
                if (state is "Succeeded" or "Failed" or "Deleted")
                {
                    return state;
                }
            }

            await Task.Delay(100, cts.Token);
        }
    }
}
