using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;

namespace Pilotdeck.Server.Features.Cohorts.Followups;

/// <summary>
/// The words of follow-up messages: the shipped templates (English and Simplified Chinese, for
/// every channel) and the tenant's own, chosen per participant by channel and locale and filled in.
/// </summary>
public static partial class FollowupTemplates
{
    public const string Nudge = "nudge";
    public const string Fixed = "fixed";
    public const string AnyChannel = "*";

    public static readonly IReadOnlyList<string> Kinds = [Nudge, Fixed];

    public static readonly IReadOnlyList<string> Placeholders = ["{alias}", "{cohort}", "{cohort_title}", "{days}", "{release}"];

    public static readonly IReadOnlyList<FollowupTemplate> Shipped =
    [
        new() { Kind = Nudge, Channel = AnyChannel, Locale = "en", Subject = "{cohort_title}: are you still in?",
            Body = "Hi {alias}, a quick reminder about the {cohort_title} pilot: we would love to have you. Reply to this message and we will find a time that suits you." },
        new() { Kind = Nudge, Channel = AnyChannel, Locale = "zh-CN", Subject = "{cohort_title}：期待您的参与",
            Body = "{alias}，您好！提醒您一下 {cohort_title} 试用项目，我们很期待您的参与。直接回复本消息，我们会为您安排合适的时间。" },
        new() { Kind = Fixed, Channel = AnyChannel, Locale = "en", Subject = "{cohort_title}: fixed, thanks to you",
            Body = "Hi {alias}, the problem you reported in the {cohort_title} pilot is fixed in {release}. Thank you for telling us; please let us know how it works for you now." },
        new() { Kind = Fixed, Channel = AnyChannel, Locale = "zh-CN", Subject = "{cohort_title}：您反馈的问题已修复",
            Body = "{alias}，您好！您在 {cohort_title} 试用中反馈的问题已在 {release} 版本中修复。感谢您的反馈，欢迎告诉我们现在的使用感受。" },
    ];

    /// <summary>The tenant's templates and the shipped ones they do not replace, by kind, channel and locale.</summary>
    public static async Task<IReadOnlyList<FollowupTemplate>> EffectiveAsync(PilotdeckDbContext db, CancellationToken cancellationToken)
    {
        var own = (await db.FollowupTemplates.AsNoTracking().ToListAsync(cancellationToken)).Select(ToContract).ToList();
        return [.. own.Concat(Shipped.Where(s => !own.Any(o => SameSlot(o, s))))
            .OrderBy(t => t.Kind, StringComparer.Ordinal).ThenBy(t => t.Channel, StringComparer.Ordinal).ThenBy(t => t.Locale, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The template for one message: the participant's channel before "*", and their locale, then
    /// its language, then English.
    /// </summary>
    public static FollowupTemplate Choose(IReadOnlyList<FollowupTemplate> templates, string kind, string channel, string locale)
    {
        var language = locale.Split('-')[0];
        string[] locales = [locale, language, "en"];
        return locales.SelectMany(l => new[] { channel, AnyChannel }.Select(c => (Locale: l, Channel: c)))
            .Select(slot => templates.FirstOrDefault(t => t.Kind == kind && t.Channel == slot.Channel && string.Equals(t.Locale, slot.Locale, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(t => t is not null)
            ?? Shipped.First(t => t.Kind == kind && t.Locale == "en");
    }

    /// <summary>Fills in a template; <paramref name="release"/> is the release a fix shipped in ("fixed" messages).</summary>
    public static RenderedMessage Render(FollowupTemplate template, ParticipantRecord participant, CohortRecord cohort, int days, string release = "")
    {
        var alias = participant.Alias.Length > 0 ? participant.Alias : participant.Email.Split('@')[0];
        string Fill(string text) => text.Replace("{alias}", alias, StringComparison.Ordinal)
            .Replace("{cohort_title}", cohort.Title, StringComparison.Ordinal)
            .Replace("{cohort}", cohort.Slug, StringComparison.Ordinal)
            .Replace("{days}", days.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{release}", release, StringComparison.Ordinal);
        return new RenderedMessage { Subject = Fill(template.Subject), Body = Fill(template.Body), TemplateChannel = template.Channel, TemplateLocale = template.Locale };
    }

    /// <summary>Placeholders in <paramref name="text"/> that are not ones this renders.</summary>
    public static IReadOnlyList<string> UnknownPlaceholders(string text) =>
        [.. Placeholder().Matches(text).Select(m => m.Value).Where(p => !Placeholders.Contains(p)).Distinct()];

    public static FollowupTemplate ToContract(FollowupTemplateRecord record) => new()
    {
        Kind = record.Kind, Channel = record.Channel, Locale = record.Locale, Subject = record.Subject, Body = record.Body, Customized = true,
    };

    private static bool SameSlot(FollowupTemplate a, FollowupTemplate b) =>
        a.Kind == b.Kind && a.Channel == b.Channel && string.Equals(a.Locale, b.Locale, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\{[^{}\s]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
