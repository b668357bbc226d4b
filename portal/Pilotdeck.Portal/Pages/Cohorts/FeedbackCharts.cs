using System.Globalization;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Portal.Pages.Guardian;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// The feedback dashboard's three charts laid out here, so the views only write SVG elements (no
/// script, no chart library, nothing the CSP forbids) and every mark carries its number as text
/// or a title.
/// </summary>
public static class FeedbackCharts
{
    /// <summary>Beyond this many days the trend is drawn per ISO week, so points stay apart.</summary>
    public const int MaxDailyPoints = 31;

    /// <summary>The blockers drawn as bars; the table under the chart lists them all.</summary>
    public const int MaxBlockerBars = 10;

    public static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Average(double rating) => rating.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A bar's length: proportional to the largest count, never invisible when non-zero.</summary>
    public static double Scale(int count, int largest, double full) => count == 0 ? 0 : Math.Max(2, full * count / Math.Max(1, largest));

    /// <summary>The share of negative feedback over every period.</summary>
    public static double NegativeShare(GetFeedbackSummaryResponse summary) =>
        summary.Total == 0 ? 0 : summary.Daily.Sum(d => d.Negative) / (double)summary.Total;

    public static IReadOnlyList<RatingBar> Ratings(GetFeedbackSummaryResponse summary)
    {
        var largest = summary.RatingDistribution.Select(r => r.Count).DefaultIfEmpty(0).Max();
        return [.. summary.RatingDistribution.OrderBy(r => r.Rating)
            .Select((r, i) => new RatingBar(r.Rating, r.Count, i * RatingBar.Step + 8, Scale(r.Count, largest, RatingBar.PlotHeight)))];
    }

    public static IReadOnlyList<BlockerBar> Blockers(GetFeedbackSummaryResponse summary)
    {
        var largest = summary.Blockers.Select(b => b.Count).DefaultIfEmpty(0).Max();
        return [.. summary.Blockers.Take(MaxBlockerBars).Select((b, i) =>
            new BlockerBar(b, Num(i * BlockerBar.Step + 14), Num(i * BlockerBar.Step + 20), Num(Scale(b.Count, largest, BlockerBar.FullWidth)),
                Num(Scale(b.Count, largest, BlockerBar.FullWidth) + 6), Num(i * BlockerBar.Step + 32)))];
    }

    /// <summary>Long wordings are cut in the chart; the title and the table keep them whole.</summary>
    public static string Short(string text, int length = 70) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

/// <param name="Left">Left edge of the column; its rating and count are centred over it.</param>
public sealed record RatingBar(int Rating, int Count, double Left, double BarHeight)
{
    public const double Step = 56;
    public const double BarWidth = 40;
    public const double Baseline = 130;
    public const double PlotHeight = 105;

    public string X => FeedbackCharts.Num(Left);

    public string Y => FeedbackCharts.Num(Baseline - BarHeight);

    public string Height => FeedbackCharts.Num(BarHeight);

    public string Centre => FeedbackCharts.Num(Left + BarWidth / 2);

    public string CountY => FeedbackCharts.Num(Baseline - BarHeight - 4);

    public static string LabelY => FeedbackCharts.Num(Baseline + 16);

    public static string ViewBox => $"0 0 {FeedbackCharts.Num(Step * 5)} 152";
}

/// <param name="TextY">Baseline of the wording; the bar sits under it.</param>
public sealed record BlockerBar(BlockerGroup Group, string TextY, string BarY, string Width, string CountX, string CountY)
{
    public const double Step = 44;
    public const double FullWidth = 420;

    public static string ViewBox(int bars) => $"0 0 640 {FeedbackCharts.Num(Math.Max(1, bars) * Step)}";
}

/// <summary>
/// Positive, neutral and negative feedback per day (or per ISO week when there are many days) as
/// three lines at even steps, oldest on the left: days without feedback are not periods the API
/// returns, and skipping them keeps a quiet weekend from squashing the rest.
/// </summary>
public sealed class SentimentTrend
{
    public const double Width = 640;
    public const double Height = 240;
    private const double Left = 40;
    private const double Right = 44;
    private const double Top = 12;
    private const double Bottom = 44;
    private const int MaxXLabels = 8;

    private SentimentTrend(IReadOnlyList<SentimentPeriod> periods, bool weekly)
    {
        Periods = periods;
        Weekly = weekly;
        var largest = Math.Max(1, periods.Max(p => Math.Max(p.Positive, Math.Max(p.Neutral, p.Negative))));
        Largest = largest;
        Series =
        [
            Build("positive", p => p.Positive),
            Build("neutral", p => p.Neutral),
            Build("negative", p => p.Negative),
        ];
        YTicks = [.. new[] { 0, (largest + 1) / 2, largest }.Distinct().Select(v => new Tick(FeedbackCharts.Num(Y(v)), v.ToString(CultureInfo.InvariantCulture)))];
        var step = Math.Max(1, (int)Math.Ceiling(periods.Count / (double)MaxXLabels));
        XTicks = [.. periods.Select((p, i) => (p, i)).Where(x => x.i % step == 0 || x.i == periods.Count - 1)
            .Select(x => new Tick(FeedbackCharts.Num(X(x.i)), x.p.Period))];
    }

    public IReadOnlyList<SentimentPeriod> Periods { get; }

    public bool Weekly { get; }

    public int Largest { get; }

    public IReadOnlyList<TrendSeries> Series { get; }

    public IReadOnlyList<Tick> YTicks { get; }

    public IReadOnlyList<Tick> XTicks { get; }

    public string Unit => Weekly ? "week" : "day";

    public static string ViewBox => $"0 0 {FeedbackCharts.Num(Width)} {FeedbackCharts.Num(Height)}";

    public static string PlotLeft => FeedbackCharts.Num(Left);

    public static string PlotRight => FeedbackCharts.Num(Width - Right);

    public static string PlotTop => FeedbackCharts.Num(Top);

    public static string PlotBottom => FeedbackCharts.Num(Height - Bottom);

    public static string XLabelY => FeedbackCharts.Num(Height - Bottom + 18);

    public static string YLabelX => FeedbackCharts.Num(Left - 6);

    /// <summary>What a screen reader hears instead of the picture.</summary>
    public string Description =>
        $"{Periods.Count} {Unit}(s) from {Periods[0].Period} to {Periods[^1].Period}. Latest {Unit}, {Periods[^1].Period}: "
        + $"{Periods[^1].Positive} positive, {Periods[^1].Neutral} neutral, {Periods[^1].Negative} negative ({FeedbackCharts.Percent(Periods[^1].NegativeShare)} negative).";

    /// <summary>Per day, or per ISO week once there are more than <see cref="FeedbackCharts.MaxDailyPoints"/> days; null without feedback.</summary>
    public static SentimentTrend? For(GetFeedbackSummaryResponse summary) =>
        summary.Daily.Count == 0 ? null
        : summary.Daily.Count > FeedbackCharts.MaxDailyPoints ? new SentimentTrend(summary.Weekly, weekly: true)
        : new SentimentTrend(summary.Daily, weekly: false);

    private TrendSeries Build(string sentiment, Func<SentimentPeriod, int> count)
    {
        var points = Periods.Select((p, i) => new TrendPoint(FeedbackCharts.Num(X(i)), FeedbackCharts.Num(Y(count(p))), count(p), $"{p.Period}: {count(p)} {sentiment}")).ToList();
        return new TrendSeries(sentiment, points, string.Join(' ', points.Select(p => p.X + "," + p.Y)));
    }

    private double X(int index) =>
        Periods.Count == 1 ? Left + (Width - Left - Right) / 2 : Left + 12 + index * (Width - Left - Right - 24) / (Periods.Count - 1);

    private double Y(int count) => Top + (1 - count / (double)Largest) * (Height - Top - Bottom);
}

/// <param name="Polyline">The <c>points</c> attribute of the line.</param>
public sealed record TrendSeries(string Sentiment, IReadOnlyList<TrendPoint> Points, string Polyline);

public sealed record TrendPoint(string X, string Y, int Count, string Title);
