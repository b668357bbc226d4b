using System.Globalization;
using System.Text;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Contracts.Cohorts.V1;

namespace Pilotdeck.Cli.Rehearsal;

/// <summary>
/// The rehearsal's markdown report. Only what the seed decides goes in — counts, shares, seeded
/// dates, blocker wordings — never a server id, a clock time or an order that follows ids, so the
/// same seed and options give the same bytes on every run.
/// </summary>
public static class RehearsalReport
{
    private const int TopBlockers = 10;

    public static string Render(string slug, int seed, RehearsalPlan plan, RehearsalResults results)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line($"# UAT dry run: {slug} (seed {seed})");
        Line();
        Line($"A rehearsal of the pilot-cohort runbook with synthetic participants, run through the real services: {plan.Participants.Count} participant(s), " +
             $"{plan.Sessions.Count} UAT session(s), {plan.Feedback.Count} piece(s) of feedback, dated from {Date(plan.BaseDate)} over {RehearsalPlan.Days} days.");

        Line();
        Line("## Cohort metrics");
        Line();
        var roster = results.Roster;
        Line($"Roster import (dry run, then commit): {roster.CreatedCount + roster.UpdatedCount + roster.UnchangedCount + roster.RejectedCount} row(s), {roster.CreatedCount} created, {roster.UpdatedCount} updated, {roster.UnchangedCount} unchanged, {roster.RejectedCount} rejected.");
        foreach (var row in results.RejectedRows)
        {
            Line($"- {row}");
        }

        Line();
        var total = results.Cohort.StatusCounts.Sum(c => c.Count);
        Line("| status | participants | share |");
        Line("| --- | ---: | ---: |");
        foreach (var count in results.Cohort.StatusCounts)
        {
            Line($"| {StatusName(count.Status)} | {count.Count} | {Percent(count.Count, total)} |");
        }

        Line($"| total | {total} | |");
        Line();
        Line($"Cohort state: {results.Cohort.State.ToString().ToLowerInvariant()}, target size {results.Cohort.TargetSize}.");

        Line();
        Line("## UAT sessions");
        Line();
        var sessions = results.Sessions;
        Line(sessions.Count == 0 ? "No sessions recorded."
            : $"{sessions.Count} session(s) with {sessions.Select(s => s.ParticipantId).Distinct().Count()} participant(s); average satisfaction " +
              $"{Average(sessions.Select(s => s.Satisfaction))}, average trust {Average(sessions.Select(s => s.Trust))} (of 5); {results.Attachments} transcript(s) attached.");

        WriteSentiment(Line, results);
        WriteFollowups(Line, results);
        WriteBacklog(Line, results.Backlog);
        return md.ToString();
    }

    private static void WriteBacklog(Action<string> line, RehearsedBacklog? backlog)
    {
        line("");
        line("## Backlog");
        line("");
        if (backlog is null || backlog.Items.Count == 0)
        {
            line("No blockers were reported, so the backlog is empty.");
            return;
        }

        line($"The blocker groups became {backlog.Items.Count} backlog item(s); the most reported moved along open → planned → fixed → shipped, the shipped ones in release {backlog.Release}.");
        line("");
        line("| state | items |");
        line("| --- | ---: |");
        foreach (var state in new[] { BacklogItemState.Open, BacklogItemState.Planned, BacklogItemState.Fixed, BacklogItemState.Shipped })
        {
            line($"| {StateName(state)} | {backlog.Items.Count(i => i.State == state)} |");
        }

        line("");
        line("| item | state | reports | participants |");
        line("| --- | --- | ---: | ---: |");
        foreach (var item in RehearsedBacklog.Ranked(backlog.Items).Take(TopBlockers))
        {
            line($"| {Cell(item.Title)} | {StateName(item.State)} | {item.FeedbackIds.Count} | {item.ParticipantIds.Count} |");
        }

        line("");
        line($"Changelog {backlog.Release}: {backlog.ChangelogEntries} entr{(backlog.ChangelogEntries == 1 ? "y" : "ies")}; " +
             $"`followups --notify` queued {backlog.Notices} \"fixed\" message(s) to {backlog.NotifiedParticipants} participant(s) who reported them.");
    }

    private static string StateName(BacklogItemState state) => state.ToString().ToLowerInvariant();

    private static void WriteSentiment(Action<string> line, RehearsalResults results)
    {
        var summary = results.Feedback;
        line("");
        line("## Sentiment");
        line("");
        line($"{summary.Total} piece(s) of feedback, average rating {Fixed(summary.AverageRating)} of 5.");
        line("");
        line("| rating | count | share |");
        line("| ---: | ---: | ---: |");
        foreach (var rating in summary.RatingDistribution.OrderByDescending(r => r.Rating))
        {
            line($"| {rating.Rating} | {rating.Count} | {Percent(rating.Count, summary.Total)} |");
        }

        line("");
        line("Trend per week (the days the feedback was given):");
        line("");
        line("| week | positive | neutral | negative | negative share | average rating |");
        line("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var week in summary.Weekly)
        {
            line($"| {week.Period} | {week.Positive} | {week.Neutral} | {week.Negative} | {Percent(week.Negative, week.Total)} | {Fixed(week.AverageRating)} |");
        }

        line("");
        line("## Top blockers");
        line("");
        if (summary.Blockers.Count == 0)
        {
            line("No blockers reported.");
            return;
        }

        line("Near-duplicate wordings are counted together (docs/feedback.md, \"Grouping blockers\").");
        line("");
        line("| blocker | reports | participants | also said as |");
        line("| --- | ---: | ---: | --- |");
        foreach (var group in summary.Blockers.Take(TopBlockers))
        {
            line($"| {Cell(group.Text)} | {group.Count} | {group.Participants} | {string.Join("; ", group.Variants.Select(Cell))} |");
        }
    }

    private static void WriteFollowups(Action<string> line, RehearsalResults results)
    {
        var queue = results.Followups;
        line("");
        line("## Follow-up queue");
        line("");
        line($"{queue.Count} invited participant(s) have not replied; {queue.Count(f => f.Due)} nudge(s) due now, {queue.Count(f => f.Exhausted)} with every nudge sent.");
        if (queue.Count == 0)
        {
            return;
        }

        line("");
        line("| priority | participants | tagged vip | consent never recorded |");
        line("| ---: | ---: | ---: | ---: |");
        foreach (var priority in queue.GroupBy(f => f.Priority).OrderBy(g => g.Key))
        {
            line($"| {priority.Key} | {priority.Count()} | {priority.Count(f => f.Participant.Tags.Contains("vip"))} | {priority.Count(f => f.Participant.Consent is null)} |");
        }

        line("");
        line("| channel | participants | cadence (days after last contact) |");
        line("| --- | ---: | --- |");
        foreach (var channel in queue.GroupBy(f => f.Participant.Channel).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            line($"| {channel.Key} | {channel.Count()} | {string.Join(", ", channel.First().CadenceDays)} |");
        }
    }

    private static string StatusName(ParticipantStatus status) => status.ToString().ToLowerInvariant();

    private static string Average(IEnumerable<int> values) => Fixed(values.Average());

    private static string Fixed(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percent(int part, int whole) => whole == 0 ? "0%" : (100.0 * part / whole).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // A blocker is free text: a bar would end the table cell.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
