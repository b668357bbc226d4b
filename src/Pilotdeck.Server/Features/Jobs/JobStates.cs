using Hangfire.States;
using Pilotdeck.Contracts.Jobs.V1;

namespace Pilotdeck.Server.Features.Jobs;

/// <summary>The job server's state names and the contract's <see cref="JobState"/>, one table for both directions.</summary>
public static class JobStates
{
    public static readonly string Deleted = DeletedState.StateName;

    private static readonly Dictionary<JobState, string> ServerNames = new()
    {
        [JobState.Enqueued] = EnqueuedState.StateName,
        [JobState.Scheduled] = ScheduledState.StateName,
        [JobState.Processing] = ProcessingState.StateName,
        [JobState.Succeeded] = SucceededState.StateName,
        [JobState.Failed] = FailedState.StateName,
        [JobState.Deleted] = DeletedState.StateName,
        [JobState.Awaiting] = AwaitingState.StateName,
    };

    private static readonly Dictionary<string, JobState> ByServerName = ServerNames.ToDictionary(p => p.Value, p => p.Key);

    public static string? ToServerName(JobState state) => ServerNames.GetValueOrDefault(state);

    public static JobState FromServerName(string name) => ByServerName.GetValueOrDefault(name, JobState.Unspecified);

    /// <summary>Runs that are not waiting or running: requeueing one cannot make a job run twice at once.</summary>
    public static bool CanRetry(string state) =>
        state == SucceededState.StateName || state == FailedState.StateName || state == DeletedState.StateName || state == ScheduledState.StateName;
}
