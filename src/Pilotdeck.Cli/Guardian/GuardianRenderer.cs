using System.Globalization;
using Pilotdeck.Cli.Output;
using Pilotdeck.Guardian;
using Pilotdeck.Guardian.Comparison;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Coverage;
using Pilotdeck.Guardian.Gaps;
using Pilotdeck.Guardian.Generation;

namespace Pilotdeck.Cli.Guardian;

/// <summary>Writes guardian results as aligned text tables, Markdown (for PR comments) or JSON (for machines and --compare).</summary>
internal static class GuardianRenderer
{
    private sealed record AnalyzeOutput(
        ProjectSummary Project,
        CoverageReport Coverage,
        IReadOnlyList<Gap> Gaps,
        IReadOnlyList<string> Warnings,
        AnalysisComparison? Comparison,
        AnalysisScope? Scope);

    private sealed record InfoOutput(string Manifest, string? Catalog, ProjectSummary Project, IReadOnlyList<string> Warnings);

    public static void Info(TextWriter output, string format, ProjectLocation location, ProjectSummary project, IReadOnlyList<string> warnings)
    {
        if (format == "json")
        {
            output.WriteLine(GuardianJson.Serialize(new InfoOutput(location.ManifestPath, location.CatalogPath, project, warnings)));
            return;
        }
        var md = format == "markdown";
        Heading(output, md, $"dbt project {project.Name ?? "(unnamed)"}");
        Report(output, md, ["", "value"],
        [
            ["manifest", location.ManifestPath],
            ["catalog", location.CatalogPath ?? "none (run `dbt docs generate` for warehouse columns and types)"],
            ["dbt version", project.DbtVersion ?? "unknown"],
            ["manifest schema", project.SchemaVersion is { } v ? $"v{v}" : "unknown"],
            ["adapter", project.Adapter ?? "unknown"],
            ["generated at", project.GeneratedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "unknown"],
            ["models", Num(project.Models)],
            ["sources", Num(project.Sources)],
            ["seeds", Num(project.Seeds)],
            ["snapshots", Num(project.Snapshots)],
            ["data tests", Num(project.DataTests)],
            ["unit tests", Num(project.UnitTests)],
            ["packages", string.Join(", ", project.Packages)],
        ]);
        Warnings(output, warnings);
    }

    public static void Analysis(TextWriter output, string format, GuardianAnalysis analysis, AnalysisComparison? comparison, GuardianOptions options, bool expand)
    {
        if (format == "json")
        {
            output.WriteLine(GuardianJson.Serialize(new AnalyzeOutput(analysis.Project, analysis.Coverage, analysis.Gaps, analysis.Warnings, comparison, analysis.Scope)));
            return;
        }
        var md = format == "markdown";
        var p = analysis.Project;
        var c = analysis.Coverage;
        Heading(output, md, $"dbt Guardian: {p.Name ?? "project"} (dbt {p.DbtVersion ?? "?"}, manifest v{p.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"}{(p.HasCatalog ? ", with catalog" : "")})");

        var delta = comparison is null ? null : new[] { comparison.Columns, comparison.Models, comparison.PrimaryKeys, comparison.UnitTests };
        string[] header = delta is null ? ["coverage", "covered", "total", "%"] : ["coverage", "covered", "total", "%", "change"];
        var figures = new[] { ("columns", c.Columns), ("models", c.Models), ("primary keys", c.PrimaryKeys), ("unit tests", c.UnitTests) };
        Report(output, md, header, figures.Select((f, i) =>
        {
            string[] row = [f.Item1, Num(f.Item2.Covered), Num(f.Item2.Total), Pct(f.Item2)];
            return delta is null ? row : [.. row, Signed(delta[i].Change)];
        }).ToArray());

        Heading(output, md, "By directory", level: 3);
        Report(output, md, ["directory", "resources tested", "columns tested", "column %"],
            c.Directories.Select(d => new[] { d.Key, $"{d.Resources.Covered}/{d.Resources.Total}", $"{d.Columns.Covered}/{d.Columns.Total}", Pct(d.Columns) }).ToArray());

        if (c.ResourceTypes.Count > 1 || c.Packages.Count > 1)
        {
            Heading(output, md, "By resource type and package", level: 3);
            Report(output, md, ["group", "resources tested", "columns tested", "column %"],
                c.ResourceTypes.Select(g => new[] { g.Key, $"{g.Resources.Covered}/{g.Resources.Total}", $"{g.Columns.Covered}/{g.Columns.Total}", Pct(g.Columns) })
                    .Concat(c.Packages.Select(g => new[] { "package " + g.Key, $"{g.Resources.Covered}/{g.Resources.Total}", $"{g.Columns.Covered}/{g.Columns.Total}", Pct(g.Columns) }))
                    .ToArray());
        }

        var gaps = comparison?.NewGaps ?? analysis.Gaps;
        var title = comparison is null
            ? $"Gaps: {analysis.Gaps.Count} (priority ≤ {options.Priority})"
            : $"New gaps: {comparison.NewGaps.Count} ({comparison.ResolvedGaps} resolved since the previous run)";
        Heading(output, md, title, level: 3);
        if (gaps.Count > 0)
        {
            Report(output, md, ["P", "model", "column", "test", "why"],
                GapRows.Build(gaps, expand).Select(r => new[] { Num(r.Priority), r.Model, r.Column, r.Members.Count == 1 ? TestLabel(r.Members[0]) : r.Test, r.Rationale }).ToArray());
        }
        else
        {
            output.WriteLine("None.");
        }
        Warnings(output, [.. analysis.Warnings, .. (comparison?.Warnings ?? []).Select(w => "compare: " + w)]);
    }

    public static void Preview(TextWriter output, GenerationResult result)
    {
        if (result.Files.Count == 0)
        {
            output.WriteLine("# No tests to add at this priority.");
            return;
        }
        foreach (var file in result.Files)
        {
            var counts = Counts(file);
            if (file.OriginalUnread)
            {
                output.WriteLine($"# preview — your file {file.Path} exists, merge by hand ({counts}); it is not on disk here, so these are only the new entries");
                output.Write(file.Content);
            }
            else if (file.IsNew)
            {
                output.WriteLine($"# new file {file.Path} ({counts})");
                output.Write(file.Content);
            }
            else
            {
                output.WriteLine($"# merge into {file.Path} ({counts})");
                foreach (var (line, text) in AddedLines(file.Original!, file.Content))
                {
                    output.WriteLine($"+{line,5}: {text}");
                }
            }
            output.WriteLine();
        }
        output.WriteLine($"# {result.TestsAdded} tests in {result.Files.Count} files. Apply with --merge, or write copies with --output <dir>.");
    }

    /// <summary>"+3 tests, 1 to complete by hand".</summary>
    public static string Counts(FileChange file) =>
        file.TestsToComplete == 0 ? $"+{file.TestsAdded} tests" : $"+{file.TestsAdded} tests, {file.TestsToComplete} to complete by hand";

    // Merges only insert lines, so a two-pointer walk recovers what was added and where.
    private static IEnumerable<(int Line, string Text)> AddedLines(string before, string after)
    {
        var old = before.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var now = after.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var i = 0;
        for (var j = 0; j < now.Length; j++)
        {
            if (i < old.Length && old[i] == now[j])
            {
                i++;
            }
            else
            {
                yield return (j + 1, now[j]);
            }
        }
    }

    private static string TestLabel(Gap gap)
    {
        if (!gap.IsComplete)
        {
            return $"{gap.Test} (fill in)";
        }
        if (gap.Arguments.TryGetValue("to", out var to) && gap.Arguments.TryGetValue("field", out var field))
        {
            return $"{gap.Test} → {Plain(to)}.{Plain(field)}";
        }
        return gap.Test;
    }

    private static string Plain(object? value) => value?.ToString() ?? "";

    private static void Heading(TextWriter output, bool markdown, string text, int level = 2)
    {
        output.WriteLine();
        output.WriteLine(markdown ? $"{new string('#', level)} {text}" : text);
        output.WriteLine();
    }

    /// <summary>On a narrow terminal a gap's model and column, what a reader acts on, are never cut.</summary>
    private static void Report(TextWriter output, bool markdown, string[] header, string[][] rows) =>
        TextTable.Write(output, markdown, header, rows, TableStyle.Report, keepWhole: ["model", "column"]);

    private static void Warnings(TextWriter output, IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings)
        {
            output.WriteLine($"warning: {warning}");
        }
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"52.0", or "n/a" when there is nothing to measure (never a flattering 100).</summary>
    public static string Pct(CoverageFigure figure) =>
        figure.Measured is { } percent ? percent.ToString("0.0", CultureInfo.InvariantCulture) : "n/a";

    private static string Signed(double? value) => value switch
    {
        null => "n/a",
        > 0.05 => "+" + value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        < -0.05 => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => "±0.0",
    };
}
