namespace Pilotdeck.Data.Migrations;

/// <summary>
/// Fills the feedback counts of migration SummaryAggregates from the feedback already stored, in the
/// migration's own transaction, so a summary is right from the first call after the upgrade (also when
/// the migrations are applied as a generated SQL script). Grouped exactly as the counts are kept:
/// docs/adr/0022-feedback-summary-aggregates.md.
/// </summary>
internal static class SummaryAggregatesBackfill
{
    /// <summary>The statements, with <paramref name="quote"/> quoting the names that are words in some dialect.</summary>
    public static string[] Statements(Func<string, string> quote) =>
    [
        $"""
        INSERT INTO feedback_counts (tenant_id, cohort_id, {quote("day")}, sentiment, rating, total)
        SELECT tenant_id, cohort_id, created_on, sentiment, rating, COUNT(*) FROM feedback
        GROUP BY tenant_id, cohort_id, created_on, sentiment, rating
        """,
        $"""
        INSERT INTO feedback_blocker_counts (tenant_id, cohort_id, group_key, reports, participants, wording)
        SELECT tenant_id, cohort_id, group_key, COUNT(*), COUNT(DISTINCT participant_id), MIN({quote("text")}) FROM feedback_items
        WHERE kind = 'blocker'
        GROUP BY tenant_id, cohort_id, group_key
        """,
    ];
}
