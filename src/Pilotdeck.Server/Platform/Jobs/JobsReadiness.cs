using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Ready while this host's Hangfire server runs (degraded while it is still starting). The server itself reports it: <see cref="JobServerPulse"/>
/// is one of its background processes, so it beats only while the server's process loop runs, and it
/// says when the server stops. Only this host's server counts (on a shared database another host's
/// heartbeat says nothing about this one), and the check reads memory, not the job storage: the
/// health publisher runs it every period, and a storage query there competes with the workers.
/// </summary>
internal sealed class JobsReadiness(JobServerPulse pulse, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (pulse.Stopped)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The job server has stopped."));
        }

        if (pulse.LastBeat is not { } beat)
        {
            // Hangfire starts its server only once the host has started. Until then, jobs are accepted
            // (they wait in storage) and calls are served, so the host is ready, if degraded; gRPC
            // health maps Degraded to SERVING, so readiness does not flap at every start.
            return Task.FromResult(HealthCheckResult.Degraded("The job server is starting."));
        }

        var age = time.GetUtcNow() - beat;
        return Task.FromResult(age <= JobServerPulse.MaxAge
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The job server's last beat was {age.TotalSeconds:0} s ago."));
    }
}

/// <summary>A background process of this host's job server that records, in memory, that the server runs.</summary>
internal sealed class JobServerPulse(TimeProvider time) : IBackgroundProcess
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Six missed beats: the server's loop is stuck, not merely busy.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private long _lastBeatTicks;
    private int _stopped;

    /// <summary>The server has been told to stop; it does not come back in this process.</summary>
    public bool Stopped => Volatile.Read(ref _stopped) == 1;

    /// <summary>When the server last ran this process; null before it starts.</summary>
    public DateTimeOffset? LastBeat
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastBeatTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public void Execute(BackgroundProcessContext context)
    {
        using var stopping = context.StoppingToken.Register(() => Volatile.Write(ref _stopped, 1));
        Interlocked.Exchange(ref _lastBeatTicks, time.GetUtcNow().UtcTicks);
        context.Wait(Interval);
    }
}

/// <summary>The name this host's job server registers under, so it can be told apart from other hosts'.</summary>
internal sealed record JobServerIdentity(string Name)
{
    public static JobServerIdentity ForThisProcess() =>
        new($"pilotdeck-{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant());

    /// <summary>This host's servers as the job storage lists them (Hangfire appends the process id and a guid to the name).</summary>
    internal List<Hangfire.Storage.Monitoring.ServerDto> ServersIn(JobStorage storage) =>
        storage.GetMonitoringApi().Servers()
            .Where(s => s.Name.StartsWith(Name + ":", StringComparison.OrdinalIgnoreCase))
            .ToList();
}
