namespace Pilotdeck.Guardian.Gaps;

/// <summary>One line of a gap table: a single gap, or several that say one thing.</summary>
/// <param name="Priority">Priority of the gaps.</param>
/// <param name="Model">Model or <c>source.table</c>.</param>
/// <param name="Column">The column, or for a summary how many columns it stands for.</param>
/// <param name="Test">The test, or <c>unique + not_null</c> for a key.</param>
/// <param name="Rationale">Why, once.</param>
/// <param name="Members">The gaps behind the row.</param>
public sealed record GapRow(int Priority, string Model, string Column, string Test, string Rationale, IReadOnlyList<Gap> Members);

/// <summary>
/// Folds gaps into table rows so a page reads as a to-do list: a key's <c>unique</c> and
/// <c>not_null</c> share a row, and the generic "no tests → not_null" gaps of the lowest rule
/// become one row per model unless expanded (they would otherwise be thousands of rows).
/// </summary>
public static class GapRows
{
    private const int NamedColumns = 5;

    /// <summary>Rows in the gaps' order; <paramref name="expand"/> keeps one row per generic not_null gap.</summary>
    /// <param name="gaps">The gaps, most important first.</param>
    /// <param name="expand">One row per generic not_null gap instead of one per model.</param>
    /// <param name="expandHint">How the reader lists a summary's columns, said in its rationale.</param>
    public static IReadOnlyList<GapRow> Build(IReadOnlyList<Gap> gaps, bool expand, string expandHint = "--expand lists them")
    {
        var rows = new List<GapRow>();
        var consumed = new HashSet<Gap>(ReferenceEqualityComparer.Instance);
        foreach (var gap in gaps)
        {
            if (consumed.Contains(gap))
            {
                continue;
            }
            if (!expand && IsGenericNotNull(gap))
            {
                var group = gaps.Where(g => g.ModelId == gap.ModelId && IsGenericNotNull(g)).ToArray();
                consumed.UnionWith(group);
                rows.Add(group.Length == 1
                    ? Single(gap)
                    : new GapRow(gap.Priority, gap.Model, $"{group.Length} columns", "not_null",
                        $"no tests on {Names(group)} ({expandHint})", group));
                continue;
            }
            var partner = gap.Test == "unique"
                ? gaps.FirstOrDefault(g => g.Test == "not_null" && g.ModelId == gap.ModelId && g.Column == gap.Column && g.Rationale == gap.Rationale)
                : null;
            if (partner is not null)
            {
                consumed.Add(partner);
                rows.Add(new GapRow(gap.Priority, gap.Model, gap.Column, "unique + not_null", gap.Rationale, [gap, partner]));
                continue;
            }
            rows.Add(Single(gap));
        }
        return rows;
    }

    private static GapRow Single(Gap gap) => new(gap.Priority, gap.Model, gap.Column, gap.Test, gap.Rationale, [gap]);

    private static bool IsGenericNotNull(Gap gap) => gap.Rule == "other" && gap.Test == "not_null" && gap.LearnedFrom is null;

    private static string Names(Gap[] group) =>
        string.Join(", ", group.Take(NamedColumns).Select(g => g.Column)) + (group.Length > NamedColumns ? $" and {group.Length - NamedColumns} more" : "");
}
