namespace Pilotdeck.Server.Platform.Notifications;

/// <summary>Settings under <c>Pilotdeck:Notifications</c> (docs/notifications.md states the defaults).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Pilotdeck:Notifications";

    /// <summary>Attempts before a message is dead-lettered. Default 8: with the default backoff, about four hours of trying.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; it doubles after each further one. Default 1 minute.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between attempts. Default 2 hours.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Up to this fraction of each wait is taken off at random, so messages that failed together (a
    /// channel outage) do not all come back in the same second. Default 0.25.
    /// </summary>
    public double Jitter { get; set; } = 0.25;

    /// <summary>Messages one delivery run handles at most. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How long a worker's claim on a message lasts. A worker that dies mid-send loses its claim after
    /// this and another may send the message again. Default 5 minutes; it must exceed the send timeouts.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one webhook POST or one SMTP conversation may take. Default 30 seconds.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When the delivery runs fire (cron, UTC). Default every minute, Hangfire's finest schedule.</summary>
    public string DeliveryCron { get; set; } = "* * * * *";

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1, jitter drawn from <paramref name="random"/>.</summary>
    public TimeSpan BackoffAfter(int failedAttempts, Random random)
    {
        var doubling = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var wait = Math.Min(MaxBackoff.TotalMilliseconds, InitialBackoff.TotalMilliseconds * doubling);
        return TimeSpan.FromMilliseconds(wait * (1 - Jitter * random.NextDouble()));
    }
}
