namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>Settings under <c>Pilotdeck:Jobs</c>.</summary>
public sealed class JobsOptions
{
    public const string Section = "Pilotdeck:Jobs";

    /// <summary>Jobs this host runs at once. Default 2: the reference machine has two cores, and jobs share them with calls.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>
    /// How often the schedulers look for due delayed and recurring jobs. 15 s keeps an idle
    /// installation quiet; recurring jobs fire on the minute at the finest. Tests set it low.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often idle workers look for newly queued jobs that no enqueue in this process woke them
    /// for: on the embedded SQLite storage every queued job, since it cannot wake a worker. Someone
    /// waits for these jobs — a large import's dry-run or commit, a notification sent again — so the
    /// default is 1 s (with 15 s a 0.3 s dry-run waited up to 14 s; ADR 0010, amendment). Tests set it low.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Stored Guardian analyses older than this are deleted, per tenant. Default 180 days.</summary>
    public TimeSpan GuardianRetention { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// How long the response to a create with a request_id is kept for replay. AIP-155 asks only that
    /// retries within a reasonable window are recognised; a week covers every client's retry budget.
    /// </summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a tenant's Jobs page keeps a run after its last state change. The job server forgets
    /// finished jobs after a day; a month of history lets an admin see last week's failed night.
    /// </summary>
    public TimeSpan JobHistoryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>When the housekeeping jobs fire (cron, UTC). Default: daily at 03:17.</summary>
    public string HousekeepingCron { get; set; } = "17 3 * * *";

    /// <summary>When the daily follow-up nudges are queued (cron, UTC). Default: daily at 09:00.</summary>
    public string FollowupNudgesCron { get; set; } = "0 9 * * *";

    /// <summary>When the daily feedback reports are stored and announced (cron, UTC). Default: daily at 07:00.</summary>
    public string FeedbackReportCron { get; set; } = "0 7 * * *";

    public static JobsOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<JobsOptions>() ?? new JobsOptions();
}
