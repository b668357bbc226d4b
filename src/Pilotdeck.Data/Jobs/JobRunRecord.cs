using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Jobs;

/// <summary>
/// A tenant's view of one background job run. The job server (Hangfire) keeps the job itself in its
/// own storage, which knows nothing of tenants; this row is written on every state change of a job
/// stamped with a tenant, so listing a tenant's runs is an ordinary tenant-filtered query and one
/// tenant can never address another's job.
/// </summary>
public sealed class JobRunRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    /// <summary>The job server's id.</summary>
    public required string JobId { get; init; }

    /// <summary>What the job is called, with its arguments; shortened to <see cref="MaxNameLength"/>.</summary>
    public required string Name { get; init; }

    /// <summary>The job server's state name (Enqueued, Processing, Succeeded, Failed, ...).</summary>
    public required string State { get; set; }

    /// <summary>The state's reason or failure message, shortened to <see cref="MaxDetailLength"/>.</summary>
    public string? Detail { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public const int MaxNameLength = 200;
    public const int MaxDetailLength = 1000;
}
