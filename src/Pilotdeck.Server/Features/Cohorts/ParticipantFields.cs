using System.Text.RegularExpressions;
using PhoneNumbers;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// How a participant's fields are checked and normalised, the same for the API and for every
/// importer: each method gives the stored form, or an error saying what is wrong.
/// </summary>
public static partial class ParticipantFields
{
    public const int MaxAliasLength = 200;
    public const int MaxTagLength = 40;
    public const int MaxTags = 20;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    // Locales, words and tag lists repeat across a roster's rows: each distinct text is checked once.
    private static readonly FieldMemo<string, (string, string?)> Locales = new(CheckLocale);
    private static readonly FieldMemo<string, string?> Regions = new(CheckRegion);
    private static readonly FieldMemo<(string Raw, string What, int MaxLength), (string, string?)> Words = new(w => CheckWord(w.Raw, w.What, w.MaxLength));
    private static readonly FieldMemo<string, (IReadOnlyList<string>, string?)> TagLists = new(text => CheckTags([text]));

    /// <summary>An email as typed (trimmed), checked like account emails.</summary>
    public static (string Value, string? Error) Email(string raw)
    {
        var email = raw.Trim();
        return email.Length == 0 || EmailAddresses.IsValid(email) ? (email, null) : (email, "is not a valid email address");
    }

    /// <summary>
    /// A phone number in E.164. Without a leading + the number is read in the region of
    /// <paramref name="locale"/> (zh-CN → CN); with no region to go on it must start with +.
    /// </summary>
    public static (string Value, string? Error) Phone(string raw, string locale)
    {
        var text = raw.Trim();
        if (text.Length == 0)
        {
            return ("", null);
        }

        var region = RegionOf(locale);
        if (!text.StartsWith('+') && region is null)
        {
            return (text, "has no country code (+…) and the locale names no region to read it in");
        }

        try
        {
            var number = Phones.Parse(text, region ?? "ZZ");
            return Phones.IsValidNumber(number)
                ? (Phones.Format(number, PhoneNumberFormat.E164), null)
                : (text, "is not a valid phone number");
        }
        catch (NumberParseException)
        {
            return (text, "is not a phone number");
        }
    }

    /// <summary>
    /// A BCP 47 language tag (language, optional script and region), in canonical case:
    /// zh-cn → zh-CN, zh-hans-cn → zh-Hans-CN.
    /// </summary>
    public static (string Value, string? Error) Locale(string raw) => Locales[raw];

    private static (string Value, string? Error) CheckLocale(string raw)
    {
        var text = raw.Trim().Replace('_', '-');
        if (text.Length == 0)
        {
            return ("", null);
        }

        var match = LanguageTag().Match(text);
        if (!match.Success)
        {
            return (text, "is not a BCP 47 language tag such as en, en-GB or zh-Hans-CN");
        }

        var language = match.Groups["language"].Value.ToLowerInvariant();
        var script = match.Groups["script"].Value;
        var region = match.Groups["region"].Value.ToUpperInvariant();
        var canonical = language
            + (script.Length > 0 ? "-" + char.ToUpperInvariant(script[0]) + script[1..].ToLowerInvariant() : "")
            + (region.Length > 0 ? "-" + region : "");
        return (canonical, null);
    }

    /// <summary>Tags from a list or a "|"-separated text: trimmed, lowercased, each once, in order.</summary>
    public static (IReadOnlyList<string> Value, string? Error) Tags(IReadOnlyList<string> raw) => raw.Count == 1 ? TagLists[raw[0]] : CheckTags(raw);

    private static (IReadOnlyList<string> Value, string? Error) CheckTags(IReadOnlyList<string> raw)
    {
        var tags = raw.SelectMany(t => t.Split('|')).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToList();
        var bad = tags.FirstOrDefault(t => t.Length > MaxTagLength || !TagText().IsMatch(t));
        if (bad is not null)
        {
            return (tags, $"each tag must be letters, digits, '-', '_' or '.' and at most {MaxTagLength} characters");
        }

        return tags.Count > MaxTags ? (tags, $"at most {MaxTags} tags") : (tags, null);
    }

    /// <summary>A short lowercase word such as a channel or a source: "wechat", "email", "referral".</summary>
    public static (string Value, string? Error) Word(string raw, string what, int maxLength) => Words[(raw, what, maxLength)];

    private static (string Value, string? Error) CheckWord(string raw, string what, int maxLength)
    {
        var text = raw.Trim().ToLowerInvariant();
        return text.Length == 0 || (text.Length <= maxLength && WordText().IsMatch(text))
            ? (text, null)
            : (text, $"{what} must be letters, digits, '-', '_' or '.' and at most {maxLength} characters");
    }

    /// <summary>Consent as people write it: true/false, yes/no, y/n, 1/0 (any case); empty is "not recorded".</summary>
    public static (bool? Value, string? Error) Consent(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "" => (null, null),
        "true" or "yes" or "y" or "1" => (true, null),
        "false" or "no" or "n" or "0" => (false, null),
        var other => (null, "is not a consent value: use true/false, yes/no, y/n or 1/0"),
    };

    /// <summary>The participant's key in a cohort: the email when there is one, else the alias.</summary>
    public static string NaturalKey(string email, string alias) =>
        email.Length > 0 ? "email:" + email.ToLowerInvariant() : "alias:" + alias.Trim();

    /// <summary>The stored form of a tag list: "|a|b|", or "" for none.</summary>
    public static string StoreTags(IReadOnlyCollection<string> tags) => tags.Count == 0 ? "" : "|" + string.Join('|', tags) + "|";

    public static IReadOnlyList<string> ReadTags(string stored) => stored.Split('|', StringSplitOptions.RemoveEmptyEntries);

    private static string? RegionOf(string locale) => Regions[locale];

    private static string? CheckRegion(string locale)
    {
        var match = LanguageTag().Match(locale);
        var region = match.Success ? match.Groups["region"].Value.ToUpperInvariant() : "";
        return region.Length == 2 && Phones.GetCountryCodeForRegion(region) != 0 ? region : null;
    }

    [GeneratedRegex(@"^(?<language>[A-Za-z]{2,3})(-(?<script>[A-Za-z]{4}))?(-(?<region>[A-Za-z]{2}|[0-9]{3}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^[\p{Ll}\p{Lo}0-9][\p{Ll}\p{Lo}0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TagText();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex WordText();
}
