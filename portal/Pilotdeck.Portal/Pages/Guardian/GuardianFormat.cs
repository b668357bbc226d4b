using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>How the Guardian pages write figures, dates and gap details, so every page says them the same way.</summary>
public static class GuardianFormat
{
    public static IReadOnlyList<int> Priorities { get; } = [1, 2, 3, 4, 5];

    /// <summary>One decimal: the API's percentages are exact ratios (e.g. 53.846…).</summary>
    public static string Percent(double percent) => percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>"n/a" when nothing was measurable (total 0): 100 % or 0 % would both claim a figure that does not exist.</summary>
    public static string Percent(CoverageFigure? figure) => Percent(Measured(figure));

    public static string Percent(double? percent) => percent is { } value ? Percent(value) : NotApplicable;

    public const string NotApplicable = "n/a";

    /// <summary>The figure's percentage, or null when it had nothing to measure.</summary>
    public static double? Measured(CoverageFigure? figure) => figure is { Total: > 0 } ? figure.Percent : null;

    /// <summary>True only when the server recorded that no catalog.json came with the manifest (older analyses do not say).</summary>
    public static bool WithoutCatalog(Analysis analysis) => analysis.HasHasCatalog && !analysis.HasCatalog;

    public const string NoCatalogHint = "Analysed without catalog.json: only the columns declared in YAML are counted, so its column figure does not compare with analyses that had one.";

    public static string Count(CoverageFigure? figure) =>
        string.Create(CultureInfo.InvariantCulture, $"{figure?.Covered ?? 0} of {figure?.Total ?? 0}");

    /// <summary>With seconds: a project re-analysed after a quick fix has two analyses in the same minute.</summary>
    public static string Date(Timestamp? time) => Display.TimeText(time, seconds: true);

    /// <summary>What each priority stands for under the built-in rules (docs/guardian.md).</summary>
    public static string PriorityMeaning(int priority) => priority switch
    {
        1 => "primary keys",
        2 => "foreign keys",
        3 => "status and type columns",
        4 => "timestamps",
        _ => "other columns",
    };

    public static string ThresholdOption(int priority) => priority switch
    {
        1 => "1 — primary keys only",
        5 => "5 — every gap",
        _ => string.Create(CultureInfo.InvariantCulture, $"1–{priority} — up to {PriorityMeaning(priority)}"),
    };

    /// <summary>
    /// Test arguments as a dbt user would write them (<c>to: ref('locations'), field: location_id</c>);
    /// lists and maps keep their JSON shape, which reads the same as YAML flow style.
    /// </summary>
    public static string Arguments(Struct? arguments)
    {
        if (arguments is null || arguments.Fields.Count == 0)
        {
            return "";
        }

        return string.Join(", ", arguments.Fields.Select(f => $"{f.Key}: {ValueText(f.Value)}"));
    }

    private static string ValueText(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        Value.KindOneofCase.NumberValue => value.NumberValue.ToString(CultureInfo.InvariantCulture),
        Value.KindOneofCase.NullValue => "null",
        Value.KindOneofCase.ListValue => "[" + string.Join(", ", value.ListValue.Values.Select(ValueText)) + "]",
        _ => JsonFormatter.Default.Format(value),
    };
}
