using Grpc.Core;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// The lifecycles of a pilot: a participant's status, a cohort's state and a backlog item's state.
/// Stored as the lowercase words below; the contract's enums map onto them one to one.
/// </summary>
public static class Lifecycles
{
    public const string Invited = "invited";
    public const string Scheduled = "scheduled";
    public const string Active = "active";
    public const string Completed = "completed";
    public const string Dropped = "dropped";

    public const string Planning = "planning";
    public const string Recruiting = "recruiting";
    public const string Running = "running";
    public const string Closed = "closed";

    public const string Open = "open";
    public const string Planned = "planned";
    public const string Fixed = "fixed";
    public const string Shipped = "shipped";

    /// <summary>Every participant status in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> Statuses = [Invited, Scheduled, Active, Completed, Dropped];

    public static readonly IReadOnlyList<string> CohortStates = [Planning, Recruiting, Running, Closed];

    /// <summary>A backlog item's states in order; an item moves one step forward at a time.</summary>
    public static readonly IReadOnlyList<string> BacklogStates = [Open, Planned, Fixed, Shipped];

    private static readonly Dictionary<string, string[]> NextStatuses = new()
    {
        [Invited] = [Scheduled, Dropped],
        [Scheduled] = [Active, Dropped],
        [Active] = [Completed, Dropped],
        [Completed] = [],
        [Dropped] = [],
    };

    /// <summary>The statuses a participant may move to from <paramref name="status"/>.</summary>
    public static IReadOnlyList<string> AllowedFrom(string status) => NextStatuses[status];

    /// <summary>
    /// Whether a participant at <paramref name="current"/> has already passed <paramref name="status"/>:
    /// it comes earlier in invited → scheduled → active → completed, or the current status is final.
    /// A roster file saying so is older than the roster, not a request to go back.
    /// </summary>
    public static bool HasPassed(string current, string status) =>
        NextStatuses[current].Length == 0 || (status != Dropped && Statuses.ToList().IndexOf(status) < Statuses.ToList().IndexOf(current));

    /// <summary>Throws FAILED_PRECONDITION unless the participant may move from one status to the other.</summary>
    public static void CheckStatusChange(string from, string to)
    {
        if (from != to && !NextStatuses[from].Contains(to))
        {
            throw NotAllowed(from, to, NextStatuses[from]);
        }
    }

    /// <summary>Throws FAILED_PRECONDITION unless the cohort's state moves forward (or stays).</summary>
    public static void CheckStateChange(string from, string to)
    {
        var index = CohortStates.ToList();
        if (index.IndexOf(to) < index.IndexOf(from))
        {
            throw NotAllowed(from, to, index.Skip(index.IndexOf(from) + 1).ToList());
        }
    }

    /// <summary>Throws FAILED_PRECONDITION unless a backlog item moves one step forward (or stays).</summary>
    public static void CheckBacklogStateChange(string from, string to)
    {
        var index = BacklogStates.ToList().IndexOf(from);
        if (from != to && BacklogStates.ToList().IndexOf(to) != index + 1)
        {
            throw NotAllowed(from, to, [.. BacklogStates.Skip(index + 1).Take(1)]);
        }
    }

    private static RpcException NotAllowed(string from, string to, IReadOnlyCollection<string> allowed) =>
        ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.TransitionNotAllowed,
            allowed.Count == 0
                ? $"'{from}' is final: nothing may follow it, so '{to}' is not allowed."
                : $"'{to}' cannot follow '{from}'; allowed next: {string.Join(", ", allowed)}.",
            new Dictionary<string, string> { ["from"] = from, ["to"] = to, ["allowed"] = string.Join(",", allowed) });

    public static ParticipantStatus ToContract(string status) => (ParticipantStatus)(Statuses.ToList().IndexOf(status) + 1);

    /// <summary>The stored status an enum value names, or null for unspecified/unknown values.</summary>
    public static string? StatusOf(ParticipantStatus status) =>
        (int)status is var n && n >= 1 && n <= Statuses.Count ? Statuses[n - 1] : null;

    /// <summary>A status as people type it ("Scheduled", "invited"), or null.</summary>
    public static string? ParseStatus(string text) =>
        Statuses.FirstOrDefault(s => string.Equals(s, text.Trim(), StringComparison.OrdinalIgnoreCase));

    public static CohortState StateToContract(string state) => (CohortState)(CohortStates.ToList().IndexOf(state) + 1);

    public static string? StateOf(CohortState state) =>
        (int)state is var n && n >= 1 && n <= CohortStates.Count ? CohortStates[n - 1] : null;
}
