using System.Diagnostics;
using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace Pilotdeck.Bench.Imports;

/// <summary>
/// The bench's roster file: row N is a pure function of N, so every run and provider imports the
/// same bytes. Unique emails, phones already in E.164 (Chinese and UK mobiles, US numbers; every
/// fourth row has none), a mix of locales, statuses, sources, channels, tags and consent answers,
/// some cells empty (they default from the import's options), some aliases and notes quoted (they
/// hold a comma) and a note on every tenth row. Every row is valid: the bench expects no rejections.
/// </summary>
internal static class RosterCsv
{
    public const string Header = "alias,email,phone,locale,status,source,channel,tags,consent,consent_method,consent_at,note";

    // The import's options, as `pilotdeck cohort import … --channel wechat --locale zh-CN` gives them.
    public const string ChannelOption = "wechat";
    public const string LocaleOption = "zh-CN";

    private static readonly string[] Locales = ["en-GB", "zh-CN", "en-US", "de-DE", "fr-FR", "ja-JP", "", "pt-BR", ""];
    private static readonly string[] Statuses = ["invited", "scheduled", "active", "", "completed", "dropped", "invited"];
    private static readonly string[] Sources = ["referral", "ads", "", "partner", "event"];
    private static readonly string[] Channels = ["wechat", "email", "sms", "", "phone", "email"];
    private static readonly string[] Tags = ["wechat|vip", "beta", "", "early|android|vip", "ios", "", "vip"];
    private static readonly string[] Consents = ["yes", "no", "true", "", "1", "0", "y", "n", "false"];

    /// <summary>Row <paramref name="n"/> (from 1), as its cells.</summary>
    public static RosterLine Row(int n)
    {
        var consent = Consents[n % Consents.Length];
        var given = consent is "yes" or "true" or "1" or "y";
        return new RosterLine(
            Alias: n % 7 == 0 ? $"Lee, Participant {n}" : $"Participant {n}",
            Email: $"p{n:D7}@cohort{n % 37}.example.com",
            Phone: (n % 4) switch
            {
                0 => $"+86138{n % 100_000_000:D8}",
                1 => $"+447700{n % 1_000_000:D6}",
                2 => $"+16502{n % 1_000_000:D6}",
                _ => "",
            },
            Locale: Locales[n % Locales.Length],
            Status: Statuses[n / 3 % Statuses.Length],
            Source: Sources[n % Sources.Length],
            Channel: Channels[n / 5 % Channels.Length],
            Tags: Tags[n % Tags.Length],
            Consent: consent,
            ConsentMethod: given ? "signed form" : "",
            ConsentAt: given && n % 2 == 0 ? "2025-09-01" : "",
            Note: n % 10 == 0 ? $"Met at the meetup, row {n}" : "");
    }

    /// <summary>Writes rows 1..<paramref name="rows"/> (UTF-8, no BOM, LF) to <paramref name="path"/>.</summary>
    public static void Write(string path, int rows)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        writer.Write(Header + "\n");
        for (var n = 1; n <= rows; n++)
        {
            var r = Row(n);
            writer.Write(string.Join(',', Quoted(r.Alias), r.Email, r.Phone, r.Locale, r.Status, r.Source, r.Channel, r.Tags, r.Consent, r.ConsentMethod, r.ConsentAt, Quoted(r.Note)));
            writer.Write('\n');
        }
    }

    // The generator's texts hold commas but never quotes.
    private static string Quoted(string cell) => cell.Contains(',', StringComparison.Ordinal) ? $"\"{cell}\"" : cell;

    /// <summary>
    /// The baseline: a plain Sep parse of the file that touches every cell (its characters are
    /// counted), best of <paramref name="runs"/> after one warm-up run. Returns rows/s and checks the
    /// file holds <paramref name="rows"/> rows of 12 cells.
    /// </summary>
    public static double BaselineRowsPerSecond(string path, int rows, int runs = 5)
    {
        var best = double.MaxValue;
        for (var run = 0; run <= runs; run++)
        {
            var clock = Stopwatch.StartNew();
            var (parsed, cells, chars) = Parse(path);
            clock.Stop();
            if (parsed != rows || cells != 12L * rows || chars == 0)
            {
                throw new CheckFailedException($"the baseline parse read {parsed} rows and {cells} cells, expected {rows} and {12L * rows}");
            }

            if (run > 0)
            {
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
        }

        return rows / best;
    }

    private static (long Rows, long Cells, long Chars) Parse(string path)
    {
        using var reader = Sep.Reader().FromFile(path);
        long rows = 0, cells = 0, chars = 0;
        foreach (var row in reader)
        {
            rows++;
            for (var i = 0; i < row.ColCount; i++)
            {
                chars += row[i].Span.Length;
                cells++;
            }
        }

        return (rows, cells, chars);
    }
}

/// <summary>One generated roster row, cell by cell as written.</summary>
internal sealed record RosterLine(
    string Alias, string Email, string Phone, string Locale, string Status, string Source, string Channel,
    string Tags, string Consent, string ConsentMethod, string ConsentAt, string Note)
{
    public string ExpectedLocale => Locale.Length > 0 ? Locale : RosterCsv.LocaleOption;

    public string ExpectedStatus => Status.Length > 0 ? Status : "invited";

    public string ExpectedSource => Source.Length > 0 ? Source : "import";

    public string ExpectedChannel => Channel.Length > 0 ? Channel : RosterCsv.ChannelOption;

    public bool? ExpectedConsent => Consent.Length == 0 ? null : Consent is "yes" or "true" or "1" or "y";
}

/// <summary>The import did something other than what the file asks: no speed is reported for it.</summary>
internal sealed class CheckFailedException(string message) : Exception(message);
