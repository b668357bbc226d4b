using System.Globalization;
using Pilotdeck.Contracts.Guardian.V1;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>
/// A line chart of the headline coverage figures across analyses, laid out here so the view only
/// writes SVG elements: no script, no chart library, nothing the Content-Security-Policy forbids.
/// Analyses sit at even steps, oldest on the left, because uploads cluster (a day of fixes, then
/// weeks of nothing) and a time scale would stack them into one blob.
/// </summary>
public sealed class CoverageChart
{
    public const double Width = 760;
    public const double Height = 300;
    private const double Left = 56;
    private const double Right = 24;
    private const double Top = 16;
    private const double Bottom = 64;
    private const int MaxXLabels = 6;

    private CoverageChart(IReadOnlyList<Analysis> oldestFirst)
    {
        Analyses = oldestFirst;
        Series =
        [
            Build("columns", "Columns", a => a.Coverage?.Columns),
            Build("models", "Models", a => a.Coverage?.Models),
            Build("primary-keys", "Primary keys", a => a.Coverage?.PrimaryKeys),
            Build("unit-tests", "Unit tests", a => a.Coverage?.UnitTests),
        ];
        YTicks = [.. new[] { 0, 25, 50, 75, 100 }.Select(p => new Tick(Num(Y(p)), p.ToString(CultureInfo.InvariantCulture) + "%"))];
        var step = Math.Max(1, (int)Math.Ceiling(oldestFirst.Count / (double)MaxXLabels));
        var labelled = oldestFirst.Select((a, i) => (a, i)).Where(p => p.i % step == 0 || p.i == oldestFirst.Count - 1).ToList();
        // Minutes suffice for a real history; uploads within one minute (a re-run after a fix) need
        // seconds, and scripted ones within a second their number, to tell the ticks apart.
        bool Distinct(string format) => labelled.Select(p => XLabel(p.a, format)).Distinct().Count() == labelled.Count;
        var format = Distinct("d MMM HH:mm") ? "d MMM HH:mm" : "d MMM HH:mm:ss";
        var numbered = !Distinct(format);
        XTicks = [.. labelled.Select(p => new Tick(Num(X(p.i)), XLabel(p.a, format) + (numbered ? $" (#{p.i + 1})" : "")))];
    }

    /// <summary>True when some analysis had no catalog.json, so the legend explains the hollow points.</summary>
    public bool MixesCatalogs => Analyses.Any(GuardianFormat.WithoutCatalog);

    /// <summary>Oldest first: the order of the points and of the fallback table.</summary>
    public IReadOnlyList<Analysis> Analyses { get; }

    /// <summary>In the legend's and the table's order.</summary>
    public IReadOnlyList<ChartSeries> Series { get; }

    public IEnumerable<ChartSeries> SeriesBottomUp => Series.OrderBy(s => s.DrawOrder);

    public IReadOnlyList<Tick> YTicks { get; }

    public IReadOnlyList<Tick> XTicks { get; }

    public string ViewBox => $"0 0 {Num(Width)} {Num(Height)}";

    public string PlotLeft => Num(Left);

    public string PlotRight => Num(Width - Right);

    public string PlotTop => Num(Top);

    public string PlotBottom => Num(Height - Bottom);

    public string YAxisTitleX => Num(14);

    public string YAxisTitleY => Num(Top + (Height - Top - Bottom) / 2);

    public string XAxisTitleX => Num(Left + (Width - Left - Right) / 2);

    public string XAxisTitleY => Num(Height - 10);

    public string XLabelY => Num(Height - Bottom + 20);

    public string XTickEnd => Num(Height - Bottom + 5);

    public string YLabelX => Num(Left - 8);

    /// <summary>The summary a screen reader hears instead of the picture.</summary>
    public string Description
    {
        get
        {
            var first = Analyses[0];
            var last = Analyses[^1];
            var latest = string.Join(", ", Series.Select(s => $"{s.Label.ToLowerInvariant()} {GuardianFormat.Percent(s.Points[^1].Percent)}"));
            return Analyses.Count == 1
                ? $"One analysis, {GuardianFormat.Date(last.CreateTime)}: {latest}."
                : $"{Analyses.Count} analyses from {GuardianFormat.Date(first.CreateTime)} to {GuardianFormat.Date(last.CreateTime)}. "
                  + $"Column coverage went from {GuardianFormat.Percent(Series[0].Points[0].Percent)} to {GuardianFormat.Percent(Series[0].Points[^1].Percent)}. Latest: {latest}.";
        }
    }

    /// <param name="newestFirst">As ListAnalyses returns them.</param>
    public static CoverageChart? For(IReadOnlyList<Analysis> newestFirst) =>
        newestFirst.Count == 0 ? null : new CoverageChart([.. newestFirst.Reverse()]);

    private ChartSeries Build(string key, string label, Func<Analysis, CoverageFigure?> figure)
    {
        var points = Analyses.Select((a, i) =>
        {
            // An unmeasurable figure (n/a) gets no point: drawing it at 0 % or 100 % would invent a value.
            var percent = GuardianFormat.Measured(figure(a));
            var noCatalog = GuardianFormat.WithoutCatalog(a);
            return new ChartPoint(Num(X(i)), Num(Y(percent ?? 0)), percent, noCatalog && key == "columns",
                $"{label}: {GuardianFormat.Percent(percent)} ({GuardianFormat.Count(figure(a))}), {a.ProjectName}, {GuardianFormat.Date(a.CreateTime)}{(noCatalog ? ", no catalog" : "")}");
        }).ToList();
        return new ChartSeries(key, label, points, string.Join(' ', points.Where(p => p.Percent is not null).Select(p => p.X + "," + p.Y)));
    }

    private static string XLabel(Analysis analysis, string format) =>
        analysis.CreateTime?.ToDateTimeOffset().ToString(format, CultureInfo.InvariantCulture) ?? "";

    private double X(int index) =>
        Analyses.Count == 1 ? Left + (Width - Left - Right) / 2 : Left + 12 + index * (Width - Left - Right - 24) / (Analyses.Count - 1);

    private static double Y(double percent) => Top + (100 - Math.Clamp(percent, 0, 100)) / 100 * (Height - Top - Bottom);

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <param name="Key">CSS class suffix and <c>data-series</c> value.</param>
/// <param name="Polyline">The <c>points</c> attribute of the line.</param>
public sealed record ChartSeries(string Key, string Label, IReadOnlyList<ChartPoint> Points, string Polyline)
{
    /// <summary>Rings (models, unit tests) are drawn larger than dots, so a dot on the same value sits inside its ring.</summary>
    public string MarkerRadius => Key switch
    {
        "models" => "8",
        "unit-tests" => "6",
        _ => "4.5",
    };

    public string LegendRadius => Key switch
    {
        "models" => "6",
        "unit-tests" => "4.5",
        _ => "3.5",
    };

    /// <summary>Wide band and rings first, thin lines and dots on top of them.</summary>
    public int DrawOrder => Key switch
    {
        "models" => 0,
        "unit-tests" => 1,
        "primary-keys" => 2,
        _ => 3,
    };
}

/// <param name="Percent">Null when the figure had nothing to measure; the point is then not drawn.</param>
/// <param name="NoCatalog">A column figure from an analysis without catalog.json: drawn hollow, because it counts fewer columns.</param>
/// <param name="Title">The point's tooltip, also read by screen readers that enter the SVG.</param>
public sealed record ChartPoint(string X, string Y, double? Percent, bool NoCatalog, string Title);

public sealed record Tick(string Position, string Label);
