using System.Collections.Concurrent;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Tests.Platform.Jobs;

/// <summary>Jobs that record what they saw, keyed by a probe id the test chooses.</summary>
public sealed class ProbeJobs(PilotdeckDbContext db, ITenantContext tenant)
{
    public static ConcurrentDictionary<string, TenantView> Seen { get; } = new();

    public static ConcurrentBag<(string Probe, long FiringTime, string Server)> Firings { get; } = [];

    private static readonly ConcurrentDictionary<string, int> Attempts = new();

    /// <summary>Fails its first run and succeeds from the second; no automatic retries, so the first run ends Failed.</summary>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Probe that fails once")]
    public string FailOnce(string probe) =>
        Attempts.AddOrUpdate(probe, 1, (_, n) => n + 1) == 1
            ? throw new InvalidOperationException($"probe {probe} fails its first run")
            : $"probe {probe} succeeded";

    /// <summary>Reads the API clients and members visible in the job's scope.</summary>
    public async Task SeeAsync(string probe)
    {
        var clients = await db.ApiClients.Select(c => c.TenantId).ToListAsync();
        var members = await db.Memberships.Select(m => m.TenantId).ToListAsync();
        Seen[probe] = new TenantView(tenant.TenantId, clients, members);
    }

    /// <summary>Records one execution of a recurring job's firing: the firing's scheduled time and the server that ran it.</summary>
    public void Fire(string probe, PerformContext? context)
    {
        var firing = context!.GetJobParameter<long>("Time");
        Firings.Add((probe, firing, context.ServerId));
    }
}

public sealed record TenantView(string? BoundTenant, IReadOnlyList<string> ApiClientTenants, IReadOnlyList<string> MemberTenants);
