using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Pilotdeck.TestSupport;

/// <summary>Waits on the real job server of a host under test, reading its storage.</summary>
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

    /// <summary>
    /// Fires a recurring job as its schedule would, waits for its fan-out and for every tenant's run
    /// it enqueued to succeed, and returns those runs' job ids.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FireAndWaitAsync(IServiceProvider services, string recurringJobId)
    {
        var storage = services.GetRequiredService<JobStorage>();
        var runIds = SerializationHelper.Deserialize<List<string>>(await FireOnceAndWaitAsync(services, recurringJobId));
        foreach (var runId in runIds)
        {
            Assert.Equal("Succeeded", await FinalStateAsync(storage, runId));
        }

        return runIds;
    }

    /// <summary>Fires a recurring job that does its work itself (no fan-out), waits for it to succeed and returns its serialized result.</summary>
    public static async Task<string> FireOnceAndWaitAsync(IServiceProvider services, string recurringJobId)
    {
        var storage = services.GetRequiredService<JobStorage>();
        var jobId = ((IRecurringJobManagerV2)services.GetRequiredService<IRecurringJobManager>()).TriggerJob(recurringJobId)!;
        Assert.Equal("Succeeded", await FinalStateAsync(storage, jobId));
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId).Data["Result"];
    }
}
