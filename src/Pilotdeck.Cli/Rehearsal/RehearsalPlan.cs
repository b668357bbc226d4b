using System.Globalization;
using System.Text;

namespace Pilotdeck.Cli.Rehearsal;

/// <summary>One synthetic participant: who they are, and the status the rehearsal walks them to.</summary>
public sealed record PlannedParticipant(int Number, string Alias, string Email, string Phone, string Locale, string Channel, string Source, string Tags, string Consent, string FinalStatus)
{
    /// <summary>The statuses after invited, in the order the lifecycle takes them (dropped straight from where they stopped).</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>The UTC offset the facilitator types for this person's sessions, by locale.</summary>
    public string Offset => Locale switch { "zh-CN" => "+08:00", "en-US" => "-05:00", _ => "+00:00" };
}

public sealed record PlannedSession(string Email, string SessionDate, int Satisfaction, int Trust, string Summary, string FollowUp, string? Transcript);

public sealed record PlannedFeedback(string Email, DateTimeOffset GivenTime, int Rating, string Sentiment, IReadOnlyList<string> Highlights, IReadOnlyList<string> Blockers);

/// <summary>
/// How far the backlog step moves the items promoted from the blockers, most reported first: the
/// first <see cref="Shipped"/> ship, the next <see cref="Fixed"/> stop at fixed, the next
/// <see cref="Planned"/> at planned; the rest stay open.
/// </summary>
public sealed record PlannedBacklog(int Shipped, int Fixed, int Planned);

/// <summary>
/// Everything a rehearsal creates, drawn from one seeded generator: the same seed and sizes give the
/// same people, statuses, sessions, feedback and dates, whatever the clock says. Dates count from a
/// base Monday the seed picks in 2025; nothing here depends on the server's ids or times.
/// </summary>
public sealed class RehearsalPlan
{
    /// <summary>Days the sessions and feedback spread over, from the base date.</summary>
    public const int Days = 28;

    private static readonly string[] FirstNames =
        ["Lin", "Mei", "Jun", "Wei", "Fang", "Hao", "Amelia", "Oliver", "Priya", "Tom", "Sofia", "Noah", "Grace", "Leo", "Chloe", "Sam"];

    private static readonly string[] LastNames =
        ["Chen", "Wang", "Li", "Zhang", "Liu", "Smith", "Jones", "Patel", "Brown", "Garcia", "Taylor", "Nguyen"];

    private static readonly string[] Sources = ["referral", "event", "community", "import"];

    private static readonly string[] Highlights =
    [
        "Setup took five minutes", "Clear onboarding checklist", "Search is fast", "Helpful support on WeChat",
        "Roster import just worked", "Charts are easy to read", "设置很快",
    ];

    /// <summary>
    /// Problems participants report, most common first, each in the wordings people really use:
    /// case, punctuation, filler words, plurals and a doubled-letter typo that the feedback summary
    /// groups back into one blocker (docs/feedback.md, "Grouping blockers").
    /// </summary>
    private static readonly string[][] Blockers =
    [
        ["CSV export times out", "csv export times out!", "Export to CSV times out", "The CSV export times out", "CSV exporrt times out"],
        ["Login with SSO fails", "SSO login fails", "login with sso fails!!", "Login with SSO fails for me"],
        ["Dashboard loads slowly", "The dashboard loads slowly", "dashboard loads really slowly", "Dashbboard loads slowly"],
        ["Mobile app crashes on upload", "The mobile app crashes on upload!", "Mobile app crash on upload", "mobile app crashes on uplooad"],
        ["Cannot invite teammates", "cannot invite my teammates", "Cannot invite teammates.", "Cannot invite teamates"],
        ["导出CSV超时", "导出CSV超时！", "导出csv超时。"],
        ["Import fails for large files", "import fails for large files!", "Import of large files fails"],
        ["Too many email notifications", "too many e-mail notifications", "Too many email notifications, please"],
        ["No dark mode", "no dark mode!", "No dark mode, please"],
    ];

    private RehearsalPlan(DateOnly baseDate, List<PlannedParticipant> participants, List<PlannedSession> sessions, List<PlannedFeedback> feedback, List<string> badRows)
    {
        BaseDate = baseDate;
        Participants = participants;
        Sessions = sessions;
        Feedback = feedback;
        BadRows = badRows;
    }

    public DateOnly BaseDate { get; }

    public IReadOnlyList<PlannedParticipant> Participants { get; }

    public IReadOnlyList<PlannedSession> Sessions { get; }

    public IReadOnlyList<PlannedFeedback> Feedback { get; }

    /// <summary>Roster rows the import must reject (a duplicate, an email without a domain), as a real spreadsheet has them.</summary>
    public IReadOnlyList<string> BadRows { get; }

    public PlannedBacklog Backlog { get; private init; } = new(0, 0, 0);

    /// <summary>The release the shipped items go out in: named after the rehearsal's last day, so a seed always ships the same release.</summary>
    public string Release => "rehearsal-" + BaseDate.AddDays(Days - 1).ToString("yyyy.MM.dd", CultureInfo.InvariantCulture);

    public static RehearsalPlan Create(int seed, int participants, int? feedback, int? sessions)
    {
        var random = new Random(seed);
        // A Monday in 2025 picked by the seed: in the past on any clock the rehearsal runs on, never the clock itself.
        var baseDate = new DateOnly(2025, 1, 6).AddDays(7 * (int)((uint)seed % 40));
        var people = Enumerable.Range(1, participants).Select(n => NewPerson(random, n)).ToList();
        var engaged = people.Where(p => p.FinalStatus is "active" or "completed" or "dropped" && p.Steps.Count > 1).ToList();
        if (engaged.Count == 0)
        {
            engaged = people;
        }

        var met = people.Where(p => p.FinalStatus is "active" or "completed").ToList();
        var sessionCount = sessions ?? met.Count;
        var planned = Enumerable.Range(0, sessionCount).Select(i => NewSession(random, baseDate, (met.Count > 0 ? met : people)[i % Math.Max(1, (met.Count > 0 ? met : people).Count)], i)).ToList();
        var feedbackCount = feedback ?? participants * 3 / 2;
        var given = Enumerable.Range(0, feedbackCount).Select(_ => NewFeedback(random, baseDate, engaged[random.Next(engaged.Count)])).ToList();
        var bad = participants == 0 ? new List<string>() : [Row(people[0]), "Nobody,nobody-at-example,,en-GB,,event,,"];
        // Drawn last, so adding the backlog step left every earlier draw (and report line) as it was.
        var backlog = new PlannedBacklog(Shipped: 1 + random.Next(2), Fixed: random.Next(2), Planned: 1 + random.Next(2));
        return new RehearsalPlan(baseDate, people, planned, given, bad) { Backlog = backlog };
    }

    /// <summary>The roster as the team's spreadsheet would hold it: every person invited, plus the bad rows at the end.</summary>
    public string RosterCsv()
    {
        var csv = new StringBuilder("alias,email,phone,locale,channel,source,tags,consent\n");
        foreach (var row in Participants.Select(Row).Concat(BadRows))
        {
            csv.Append(row).Append('\n');
        }

        return csv.ToString();
    }

    private static string Row(PlannedParticipant p) => $"{p.Alias},{p.Email},{p.Phone},{p.Locale},{p.Channel},{p.Source},{p.Tags},{p.Consent}";

    private static PlannedParticipant NewPerson(Random random, int number)
    {
        var first = FirstNames[random.Next(FirstNames.Length)];
        var last = LastNames[random.Next(LastNames.Length)];
        var region = random.NextDouble();
        var (locale, channel) = region < 0.5 ? ("zh-CN", "wechat") : region < 0.8 ? ("en-GB", "email") : ("en-US", random.NextDouble() < 0.5 ? "sms" : "email");
        // A mainland mobile number (138…) for people reached on WeChat; the others give none.
        var phone = locale == "zh-CN" ? "+86 138 " + random.Next(1000, 10000).ToString(CultureInfo.InvariantCulture) + " " + random.Next(1000, 10000).ToString(CultureInfo.InvariantCulture) : "";
        var tags = new List<string>();
        if (random.NextDouble() < 0.1)
        {
            tags.Add("vip");
        }

        if (random.NextDouble() < 0.2)
        {
            tags.Add("early");
        }

        var consentDraw = random.NextDouble();
        var consent = consentDraw < 0.7 ? "yes" : consentDraw < 0.75 ? "no" : "";
        var statusDraw = random.NextDouble();
        var path = new[] { "scheduled", "active", "completed" };
        var (final, steps) = statusDraw switch
        {
            < 0.20 => ("invited", 0),
            < 0.35 => ("scheduled", 1),
            < 0.55 => ("active", 2),
            < 0.90 => ("completed", 3),
            _ => ("dropped", random.Next(0, 3)),
        };
        List<string> walk = [.. path.Take(steps)];
        if (final == "dropped")
        {
            walk.Add("dropped");
        }

        var alias = $"{first} {last[0]}.";
        var email = $"{first}.{last}.{number:D5}@example.com".ToLowerInvariant();
        return new PlannedParticipant(number, alias, email, phone, locale, channel, Sources[random.Next(Sources.Length)], string.Join('|', tags), consent, final) { Steps = walk };
    }

    private static PlannedSession NewSession(Random random, DateOnly baseDate, PlannedParticipant person, int index)
    {
        var day = baseDate.AddDays(random.Next(Days));
        var hour = random.Next(9, 18);
        var date = $"{day:yyyy-MM-dd}T{hour:00}:00:00{person.Offset}";
        var satisfaction = Clamp(3 + random.Next(-2, 3) + (person.FinalStatus == "completed" ? 1 : 0));
        var trust = Clamp(satisfaction + random.Next(-1, 2));
        string[] summaries =
        [
            "Walked through the roster import; the participant found it quick.",
            "Tried the CSV export on a large cohort; it stalled twice.",
            "Reviewed the feedback dashboard together; asked for a weekly view.",
            "Set up SSO with their IT team; login failed once, then worked.",
        ];
        var summary = summaries[random.Next(summaries.Length)];
        var followUp = satisfaction <= 2 ? "Call back once the fix ships." : "Share the next release notes.";
        // Every tenth session keeps a short transcript, so attachments are rehearsed (and purged) too.
        var transcript = index % 10 == 0 ? $"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nFacilitator: How did the session go?\n\n00:00:05.000 --> 00:00:09.000\nParticipant: {summary}\n" : null;
        return new PlannedSession(person.Email, date, satisfaction, trust, summary, followUp, transcript);
    }

    private static PlannedFeedback NewFeedback(Random random, DateOnly baseDate, PlannedParticipant person)
    {
        var dayIndex = random.Next(Days);
        // Sentiment improves over the weeks, as a pilot that fixes what it hears should.
        var negativeChance = 0.35 - 0.2 * dayIndex / Days + (person.FinalStatus == "dropped" ? 0.3 : 0);
        var draw = random.NextDouble();
        var (sentiment, rating) = draw < negativeChance ? ("negative", random.Next(1, 3))
            : draw < negativeChance + 0.25 ? ("neutral", 3)
            : ("positive", random.Next(4, 6));
        var blockerCount = sentiment switch
        {
            "negative" => random.Next(1, 3),
            "neutral" => random.Next(0, 2),
            _ => random.NextDouble() < 0.2 ? 1 : 0,
        };
        var blockers = new List<string>();
        for (var i = 0; i < blockerCount; i++)
        {
            // Common problems are reported far more often than rare ones (weights 1/(rank+1)).
            var problem = Blockers[WeightedRank(random, Blockers.Length)];
            var wording = problem[random.Next(problem.Length)];
            if (!blockers.Contains(wording))
            {
                blockers.Add(wording);
            }
        }

        var highlights = sentiment == "negative" ? [] : new List<string> { Highlights[random.Next(Highlights.Length)] };
        var time = new DateTimeOffset(baseDate.AddDays(dayIndex).ToDateTime(new TimeOnly(random.Next(1, 23), random.Next(60))), TimeSpan.Zero);
        return new PlannedFeedback(person.Email, time, rating, sentiment, highlights, blockers);
    }

    private static int WeightedRank(Random random, int count)
    {
        var total = Enumerable.Range(1, count).Sum(r => 1.0 / r);
        var draw = random.NextDouble() * total;
        for (var rank = 0; rank < count; rank++)
        {
            draw -= 1.0 / (rank + 1);
            if (draw < 0)
            {
                return rank;
            }
        }

        return count - 1;
    }

    private static int Clamp(int score) => Math.Clamp(score, 1, 5);
}
