using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Data;

namespace Pilotdeck.Server.Features.Retention;

/// <summary>The installation's default windows and the retention job's schedule, from <c>Pilotdeck:Retention</c> (docs/data-governance.md).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Pilotdeck:Retention";

    /// <summary>Feedback highlights and blockers. Default 365 days: a year of pilots to compare against.</summary>
    public int FeedbackTextDays { get; set; } = 365;

    /// <summary>Session summaries and follow-up text. Default 365 days.</summary>
    public int SessionTextDays { get; set; } = 365;

    /// <summary>Attachments (recordings, transcripts). Default 180 days: the most sensitive and the largest.</summary>
    public int AttachmentsDays { get; set; } = 180;

    /// <summary>Outreach notes. Default 365 days.</summary>
    public int OutreachNotesDays { get; set; } = 365;

    /// <summary>Follow-up nudges and the messages they sent. Default 180 days: a nudge is stale long before.</summary>
    public int FollowupHistoryDays { get; set; } = 180;

    /// <summary>
    /// Uploaded import files and the keys their plans' rows name. Default 30 days: a file is needed
    /// to plan and commit it, and its rows stay on the participants it made.
    /// </summary>
    public int ImportFilesDays { get; set; } = 30;

    /// <summary>When the retention job runs (cron, UTC). Default: daily at 03:41, after the housekeeping jobs.</summary>
    public string Cron { get; set; } = "41 3 * * *";

    public int DefaultDays(DataClass dataClass) => dataClass switch
    {
        DataClass.FeedbackText => FeedbackTextDays,
        DataClass.SessionText => SessionTextDays,
        DataClass.Attachments => AttachmentsDays,
        DataClass.OutreachNotes => OutreachNotesDays,
        DataClass.FollowupHistory => FollowupHistoryDays,
        DataClass.ImportFiles => ImportFilesDays,
        _ => throw new ArgumentOutOfRangeException(nameof(dataClass), dataClass, "has no retention window"),
    };
}

/// <summary>The data classes with a window, their stored names and treatments, and a tenant's effective windows.</summary>
public sealed class RetentionWindows(PilotdeckDbContext db, IOptions<RetentionOptions> options)
{
    public const int MaxDays = 3650;

    /// <summary>Every class retention treats, in the contract's order (the profile is erasure's alone).</summary>
    public static readonly IReadOnlyList<DataClass> Classes =
        [DataClass.FeedbackText, DataClass.SessionText, DataClass.Attachments, DataClass.OutreachNotes, DataClass.FollowupHistory, DataClass.ImportFiles];

    /// <summary>The stored (and CLI) name of a class: <c>feedback-text</c>, <c>session-text</c>, …</summary>
    public static string NameOf(DataClass dataClass) => dataClass switch
    {
        DataClass.FeedbackText => "feedback-text",
        DataClass.SessionText => "session-text",
        DataClass.Attachments => "attachments",
        DataClass.OutreachNotes => "outreach-notes",
        DataClass.FollowupHistory => "followup-history",
        DataClass.ImportFiles => "import-files",
        DataClass.Profile => "profile",
        _ => throw new ArgumentOutOfRangeException(nameof(dataClass), dataClass, null),
    };

    /// <summary>
    /// Attachments and import files are deleted (a file cannot be anonymised, and it is the class's whole content); feedback
    /// loses its highlight and blocker rows but keeps rating, sentiment and day for the summaries; every
    /// other class keeps its rows (who, when, scores, nudge counts) with the text cleared.
    /// </summary>
    public static Treatment TreatmentOf(DataClass dataClass) => dataClass switch
    {
        DataClass.Attachments or DataClass.FeedbackText or DataClass.ImportFiles => Treatment.Deleted,
        _ => Treatment.Anonymised,
    };

    /// <summary>The tenant's window per class: its own where set, else the installation's default.</summary>
    public async Task<IReadOnlyList<RetentionWindow>> EffectiveAsync(CancellationToken cancellationToken)
    {
        var own = await db.RetentionWindows.AsNoTracking().ToDictionaryAsync(w => w.DataClass, w => w.Days, cancellationToken);
        return Classes.Select(c =>
        {
            var fallback = options.Value.DefaultDays(c);
            var overridden = own.TryGetValue(NameOf(c), out var days);
            return new RetentionWindow
            {
                DataClass = c,
                Days = overridden ? days : fallback,
                DefaultDays = fallback,
                Overridden = overridden,
                Treatment = TreatmentOf(c),
            };
        }).ToList();
    }
}
