using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data.Policy;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>Throughput and cycle time of the approval requests opened in a window.</summary>
public static class ApprovalStats
{
    public static GetApprovalStatsResponse Of(IReadOnlyList<ApprovalRequestRecord> opened, DateTimeOffset since, DateTimeOffset now)
    {
        var states = opened.Select(a => (Request: a, State: ApprovalStates.Effective(a, now))).ToList();
        var response = new GetApprovalStatsResponse
        {
            Requested = states.Count,
            // An executed request was approved first.
            Approved = states.Count(s => s.State is ApprovalStates.Approved or ApprovalStates.Executed),
            Denied = states.Count(s => s.State == ApprovalStates.Denied),
            Expired = states.Count(s => s.State == ApprovalStates.Expired),
            Pending = states.Count(s => s.State == ApprovalStates.Pending),
        };

        var cycles = opened.Where(a => a.DecidedAt is not null).Select(a => a.DecidedAt!.Value - a.CreatedAt).Order().ToList();
        if (cycles.Count > 0)
        {
            response.MedianCycleTime = Duration.FromTimeSpan(Percentile(cycles, 0.5));
            response.P90CycleTime = Duration.FromTimeSpan(Percentile(cycles, 0.9));
        }

        var decidedByDay = opened.Where(a => a.DecidedAt is not null && a.State != ApprovalStates.Pending)
            .ToLookup(a => DateOnly.FromDateTime(a.DecidedAt!.Value.UtcDateTime));
        for (var day = DateOnly.FromDateTime(since.UtcDateTime); day <= DateOnly.FromDateTime(now.UtcDateTime); day = day.AddDays(1))
        {
            var decided = decidedByDay[day].ToList();
            response.Days.Add(new DailyApprovals
            {
                Date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Approved = decided.Count(a => a.State is ApprovalStates.Approved or ApprovalStates.Executed),
                Denied = decided.Count(a => a.State == ApprovalStates.Denied),
            });
        }

        return response;
    }

    // Nearest-rank percentile over sorted values.
    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
