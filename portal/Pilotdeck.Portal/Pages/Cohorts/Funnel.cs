using Pilotdeck.Contracts.Cohorts.V1;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>A cohort's funnel as bars: each status's count, scaled to the widest (or the target size, when larger).</summary>
public static class Funnel
{
    public const int MaxWidth = 180;

    public sealed record Step(string Label, int Count, int Width);

    public static IReadOnlyList<Step> Steps(Cohort cohort)
    {
        var largest = Math.Max(1, Math.Max(cohort.TargetSize, cohort.StatusCounts.Select(c => c.Count).DefaultIfEmpty(0).Max()));
        return [.. cohort.StatusCounts.Select(c => new Step(Label(c.Status), c.Count, c.Count == 0 ? 0 : Math.Max(2, MaxWidth * c.Count / largest)))];
    }

    public static string Label(ParticipantStatus status) => status.ToString().ToLowerInvariant();

    public static int Total(Cohort cohort) => cohort.StatusCounts.Sum(c => c.Count);
}
