using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Html;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// How every page shows a value that may be unset, and a point in time. An unset value is an en dash,
/// so a row never reads blank and "pt-BR · – · conference" never reads as a typo. Times are the
/// server's UTC, always labelled, in a <c>&lt;time&gt;</c> element carrying the exact instant: a
/// facilitator in Shanghai reading "01:35" has to know whose clock that is.
/// </summary>
public static class Display
{
    public const string NotSet = "–";

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? NotSet : value;

    public static string Text(IEnumerable<string> values, string separator = ", ") =>
        Text(string.Join(separator, values));

    /// <summary>The time as text ("2026-12-08 01:35 UTC"), for sentences and attributes.</summary>
    public static string TimeText(DateTimeOffset? time, bool seconds = false) =>
        time is { } value
            ? value.ToUniversalTime().ToString(seconds ? "yyyy-MM-dd HH:mm:ss 'UTC'" : "yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : NotSet;

    public static string TimeText(Timestamp? time, bool seconds = false) => TimeText(time?.ToDateTimeOffset(), seconds);

    /// <summary>The time as a <c>&lt;time&gt;</c> element; only digits and the fixed format reach the markup.</summary>
    public static IHtmlContent Time(DateTimeOffset? time, bool seconds = false) =>
        time is { } value
            ? new HtmlString(string.Create(CultureInfo.InvariantCulture,
                $"<time datetime=\"{value.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}\">{TimeText(value, seconds)}</time>"))
            : new HtmlString(NotSet);

    public static IHtmlContent Time(Timestamp? time, bool seconds = false) => Time(time?.ToDateTimeOffset(), seconds);
}
