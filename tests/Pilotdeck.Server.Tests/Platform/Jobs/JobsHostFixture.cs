using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Server.Tests.Platform.Jobs;

/// <summary>The real host with its job server polling often, so tests wait fractions of a second, not 1 or 15 s.</summary>
public abstract class JobsHostFixture : HostFixture
{
    public static readonly string[] FastPolling = ["--Pilotdeck:Jobs:PollInterval=00:00:00.200", "--Pilotdeck:Jobs:QueuePollInterval=00:00:00.200"];

    protected override IEnumerable<string> ExtraArgs => FastPolling;

    public JobStorage Storage => Services.GetRequiredService<JobStorage>();

    public Task<string> WaitForFinalStateAsync(string jobId) => JobWaits.FinalStateAsync(Storage, jobId);

    /// <inheritdoc cref="JobWaits.FireAndWaitAsync"/>
    public Task<IReadOnlyList<string>> FireAndWaitAsync(string recurringJobId) => JobWaits.FireAndWaitAsync(Services, recurringJobId);
}

public sealed class SqliteJobsHostFixture : JobsHostFixture
{
    protected override Data.DatabaseProvider Provider => Data.DatabaseProvider.Sqlite;
}

public sealed class PostgresJobsHostFixture : JobsHostFixture
{
    protected override Data.DatabaseProvider Provider => Data.DatabaseProvider.Postgres;
}
