using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Server.Platform.Notifications;

namespace Pilotdeck.TestSupport;

/// <summary>
/// The host's every-minute job (notification delivery) first runs up to a minute after the host
/// starts, and that run compiles Hangfire's, Dapper's and Json.NET's paths (about 1,300 methods,
/// a few tenths of a second of JIT). A bench that measures in its first minutes starts the job with
/// its warm-up and lets the job server settle before it measures (docs/performance.md, "The last
/// JIT bursts in the arms, and the host's background work").
/// </summary>
public static class EveryMinuteJobWarmUp
{
    /// <summary>How long a warm-up waits for the job server at most: the job is picked up within one poll interval (15 s by default).</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(2);

    public static void StartEveryMinuteJob(this PilotdeckTestHost host) =>
        host.Services.GetRequiredService<IRecurringJobManager>().Trigger(NotificationDelivery.JobId);

    /// <summary>True once the job server has run a job and has none queued or running.</summary>
    public static bool BackgroundJobsSettled(this PilotdeckTestHost host)
    {
        var statistics = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().GetStatistics();
        return statistics.Succeeded > 0 && statistics.Enqueued == 0 && statistics.Processing == 0;
    }

    /// <summary>Waits until <see cref="BackgroundJobsSettled"/> or <see cref="SettleTimeout"/>; says which.</summary>
    public static async Task<bool> SettleBackgroundJobsAsync(this PilotdeckTestHost host)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (!host.BackgroundJobsSettled())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
