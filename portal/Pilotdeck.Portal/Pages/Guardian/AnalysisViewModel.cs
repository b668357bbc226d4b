using Pilotdeck.Contracts.Guardian.V1;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>What the analysis page shows: headline cards, coverage per resource and the gaps by priority.</summary>
public sealed class AnalysisViewModel
{
    private AnalysisViewModel(GetAnalysisResponse response, int maxPriority, bool expand)
    {
        Analysis = response.Analysis;
        MaxPriority = maxPriority;
        Expand = expand;
        Warnings = [.. response.Warnings];
        var coverage = Analysis.Coverage ?? new CoverageSummary();
        Cards =
        [
            new("columns", "Column coverage", coverage.Columns, "columns have at least one test"),
            new("models", "Model coverage", coverage.Models, "models have at least one data test"),
            new("primary-keys", "Primary keys", coverage.PrimaryKeys, "models have a tested primary key"),
            new("unit-tests", "Unit tests", coverage.UnitTests, "models have a unit test"),
        ];
        var gapsByResource = response.Gaps.GroupBy(g => g.ModelId).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        // Models apart, because the headline figures count only them; the rest by type, manifest order within each.
        var rows = response.Resources.Select(r => new ResourceRow(r, gapsByResource.GetValueOrDefault(r.UniqueId))).ToList();
        Models = [.. rows.Where(r => r.Resource.ResourceType == "model")];
        OtherResources = [.. rows.Where(r => r.Resource.ResourceType != "model").OrderBy(r => r.Resource.ResourceType, StringComparer.Ordinal)];
        GapGroups = [.. GuardianFormat.Priorities.Where(p => p <= maxPriority)
            .Select(p => new GapGroup(p, [.. response.Gaps.Where(g => g.Priority == p)], expand))];
        GapCount = response.Gaps.Count;
    }

    public Analysis Analysis { get; }

    /// <summary>The gap filter: priorities 1 … this are shown.</summary>
    public int MaxPriority { get; }

    /// <summary>One row per generic not_null gap instead of one per model.</summary>
    public bool Expand { get; }

    public IReadOnlyList<string> Warnings { get; }

    public IReadOnlyList<CoverageCard> Cards { get; }

    public IReadOnlyList<ResourceRow> Models { get; }

    /// <summary>Sources, seeds and snapshots in scope.</summary>
    public IReadOnlyList<ResourceRow> OtherResources { get; }

    public IReadOnlyList<GapGroup> GapGroups { get; }

    /// <summary>Gaps shown under the current filter.</summary>
    public int GapCount { get; }

    /// <param name="maxPriority">1–5; the analysis stored nothing beyond its own threshold, so the filter stops there too.</param>
    public static AnalysisViewModel From(GetAnalysisResponse response, int maxPriority, bool expand = false) =>
        new(response, Math.Min(maxPriority, Math.Max(1, response.Analysis.PriorityThreshold)), expand);
}

/// <param name="Key">Test id and CSS suffix.</param>
/// <param name="Meaning">Completes "<c>covered of total</c> …".</param>
public sealed record CoverageCard(string Key, string Title, CoverageFigure? Figure, string Meaning)
{
    public string Percent => GuardianFormat.Percent(Figure);

    public string Count => GuardianFormat.Count(Figure);

    /// <summary>Width of the bar in a 0–100 viewBox; an attribute, because the CSP forbids inline styles.</summary>
    public string BarWidth => Math.Clamp(Figure?.Percent ?? 0, 0, 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}

/// <param name="GapCount">Gaps shown under the page's priority filter.</param>
public sealed record ResourceRow(ResourceCoverage Resource, int GapCount);

/// <param name="TestId">The table's <c>data-testid</c>.</param>
/// <param name="Caption">Read by screen readers before the table.</param>
public sealed record ResourceTable(string TestId, string Caption, IReadOnlyList<ResourceRow> Rows, int MaxPriority, string AnalysisId);

public sealed record GapGroup(int Priority, IReadOnlyList<Gap> Gaps, bool Expand = false)
{
    public string Heading => $"Priority {Priority} · {GuardianFormat.PriorityMeaning(Priority)}";

    /// <summary>
    /// The table's rows, folded as the CLI folds them (the library's GapRows): a key's unique and
    /// not_null share a row, and the generic not_null gaps are one row per model unless expanded.
    /// </summary>
    public IReadOnlyList<GapTableRow> Rows { get; } = Fold(Gaps, Expand);

    /// <summary>True when some rows stand for several generic not_null gaps.</summary>
    public bool HasSummaries => Rows.Any(r => r.Summary);

    private static GapTableRow[] Fold(IReadOnlyList<Gap> gaps, bool expand)
    {
        // Arguments are shown from the contract's gap; the folding only needs who, what and why.
        var byLibraryGap = new Dictionary<Pilotdeck.Guardian.Gaps.Gap, Gap>(ReferenceEqualityComparer.Instance);
        foreach (var g in gaps)
        {
            byLibraryGap[new(g.ModelId, g.Model, g.Column, g.Test, new Dictionary<string, object?>(), g.Priority, g.Rule, g.Rationale,
                string.IsNullOrEmpty(g.LearnedFrom) ? null : g.LearnedFrom)] = g;
        }

        return [.. Pilotdeck.Guardian.Gaps.GapRows.Build([.. byLibraryGap.Keys], expand, "“List every column” shows them")
            .Select(r => new GapTableRow(r.Model, byLibraryGap[r.Members[0]].ModelId, r.Column, r.Test, r.Rationale,
                r.Members.Count == 1 ? byLibraryGap[r.Members[0]] : null, r.Test == "not_null" && r.Members.Count > 1))];
    }
}

/// <param name="Single">The one gap behind the row, whose arguments are shown; null for a folded row.</param>
/// <param name="Summary">The row stands for several columns' generic not_null gaps.</param>
public sealed record GapTableRow(string Model, string ModelId, string Column, string Test, string Rationale, Gap? Single, bool Summary);
