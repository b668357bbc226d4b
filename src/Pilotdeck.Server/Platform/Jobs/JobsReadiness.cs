using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Ready when this host's Hangfire server has announced itself and its heartbeat is recent. Only
/// this host's server counts: on a shared database another host's heartbeat says nothing about
/// whether this one runs jobs. One small read of the servers list per check.
/// </summary>
internal sealed class JobsReadiness(JobStorage storage, JobServerIdentity identity, TimeProvider time) : IHealthCheck
{
    /// <summary>Hangfire's heartbeat is every 30 s; two missed ones mean the server is not running.</summary>
    internal static readonly TimeSpan MaxHeartbeatAge = TimeSpan.FromSeconds(70);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var ours = OurServers(storage, identity);
            if (ours.Count == 0)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("The job server is not running."));
            }

            var heartbeat = ours.Max(s => s.Heartbeat) ?? DateTime.MinValue;
            // Storages differ in the DateTime kind they hand back; unspecified means UTC in all of them.
            var age = time.GetUtcNow().UtcDateTime - (heartbeat.Kind == DateTimeKind.Local ? heartbeat.ToUniversalTime() : heartbeat);
            return Task.FromResult(age <= MaxHeartbeatAge
                ? HealthCheckResult.Healthy($"{ours.Sum(s => s.WorkersCount)} worker(s).")
                : HealthCheckResult.Unhealthy($"The job server's last heartbeat was {age.TotalSeconds:0} s ago."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The job storage is unreachable.", ex));
        }
    }

    internal static List<Hangfire.Storage.Monitoring.ServerDto> OurServers(JobStorage storage, JobServerIdentity identity) =>
        storage.GetMonitoringApi().Servers()
            .Where(s => s.Name.StartsWith(identity.Name + ":", StringComparison.OrdinalIgnoreCase))
            .ToList();
}

/// <summary>The name this host's job server registers under, so readiness can find it among other hosts'.</summary>
internal sealed record JobServerIdentity(string Name)
{
    public static JobServerIdentity ForThisProcess() =>
        new($"pilotdeck-{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant());
}
