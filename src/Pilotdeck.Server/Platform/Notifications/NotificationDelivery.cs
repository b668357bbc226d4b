using System.Text;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Platform.Notifications;

/// <summary>
/// Sends the outbox's due messages. The schedule looks across tenants for due messages and enqueues
/// one run per tenant that has any; each run sends its tenant's due messages in its tenant's scope.
/// A worker claims a message with one conditional UPDATE before sending it, so two runs never send
/// the same message (docs/adr/0015-notification-outbox-claims.md). A failed attempt waits with
/// exponential backoff and jitter; after the last one the message is dead. Delivered and dead
/// messages are never picked again, and both outcomes leave a receipt.
/// </summary>
public sealed class NotificationDelivery(
    PilotdeckDbContext db,
    ChannelSettings channels,
    WebhookSender webhook,
    SmtpSender smtp,
    ChangeReceipts receipts,
    TenantFanOut fanOut,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationDelivery> logger)
{
    public const string JobId = "deliver-notifications";

    /// <summary>What one attempt did; <see cref="Skipped"/>: another worker holds or finished the message.</summary>
    public enum Outcome { Skipped, Delivered, Retrying, Dead }

    [JobDisplayName("Deliver notifications, every tenant with due messages")]
    public async Task<IReadOnlyList<string>> RunEverywhereAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var tenants = await db.OutboxMessages.IgnoreQueryFilters([PilotdeckDbContext.TenantFilter])
            .Where(m => m.State == OutboxStates.Pending && m.NextAttemptAt <= now)
            .Select(m => m.TenantId).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);
        return await fanOut.EnqueueForTenantsAsync<NotificationDelivery>(tenants, d => d.RunAsync(CancellationToken.None), cancellationToken);
    }

    [JobDisplayName("Deliver notifications")]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        receipts.ForJob(JobId);
        var now = time.GetUtcNow();
        var due = await Due(now).OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(options.Value.BatchSize).ToListAsync(cancellationToken);
        var outcomes = new List<Outcome>(due.Count);
        foreach (var id in due)
        {
            outcomes.Add(await DeliverAsync(id, cancellationToken));
        }

        return $"{outcomes.Count(o => o == Outcome.Delivered)} delivered, {outcomes.Count(o => o == Outcome.Retrying)} to retry, "
            + $"{outcomes.Count(o => o == Outcome.Dead)} dead-lettered, {outcomes.Count(o => o == Outcome.Skipped)} taken by another run";
    }

    /// <summary>Claims the message if it is due and unclaimed, makes one attempt and stores its outcome.</summary>
    public async Task<Outcome> DeliverAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claim = Guid.NewGuid().ToString("N");
        var leaseEnd = now + options.Value.ClaimLease;
        var claimed = await Due(now).Where(m => m.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimToken, claim).SetProperty(m => m.ClaimedUntil, leaseEnd), cancellationToken);
        if (claimed == 0)
        {
            return Outcome.Skipped;
        }

        var message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
        var error = await AttemptAsync(message, cancellationToken);
        return await RecordAsync(message, claim, error, cancellationToken);
    }

    private IQueryable<OutboxMessageRecord> Due(DateTimeOffset now) =>
        db.OutboxMessages.Where(m => m.State == OutboxStates.Pending && m.NextAttemptAt <= now && (m.ClaimedUntil == null || m.ClaimedUntil < now));

    // Null when sent; otherwise why not, as the outbox shows it.
    private async Task<string?> AttemptAsync(OutboxMessageRecord message, CancellationToken cancellationToken)
    {
        try
        {
            var channel = await channels.FindAsync(message.Channel, cancellationToken)
                ?? throw new DeliveryFailedException($"the {message.Channel} channel is not configured");
            var secret = channels.SecretOf(channel);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.SendTimeout);
            await (message.Channel == NotificationChannels.Webhook
                ? webhook.SendAsync(channel, secret, message, timeout.Token)
                : smtp.SendAsync(channel, secret, message, timeout.Token));
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Notification {MessageId} over {Channel} failed: {Error}", message.Id, message.Channel, e.Message);
            var text = e is OperationCanceledException ? $"timed out after {options.Value.SendTimeout}" : e.Message;
            return text.Length > OutboxMessageRecord.MaxErrorLength ? text[..OutboxMessageRecord.MaxErrorLength] : text;
        }
    }

    private async Task<Outcome> RecordAsync(OutboxMessageRecord message, string claim, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var attempts = message.Attempts + 1;
        var outcome = error is null ? Outcome.Delivered : attempts >= options.Value.MaxAttempts ? Outcome.Dead : Outcome.Retrying;
        var state = outcome == Outcome.Delivered ? OutboxStates.Delivered : outcome == Outcome.Dead ? OutboxStates.Dead : OutboxStates.Pending;
        var next = outcome == Outcome.Retrying ? now + options.Value.BackoffAfter(attempts, Random.Shared) : message.NextAttemptAt;
        DateTimeOffset? deliveredAt = outcome == Outcome.Delivered ? now : null;
        var lastError = error ?? message.LastError;

        // Only the claim's holder stores the outcome: a worker whose lease ran out changes nothing.
        Task<int> Store() => db.OutboxMessages.Where(m => m.Id == message.Id && m.ClaimToken == claim)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, state)
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, lastError)
                .SetProperty(m => m.DeliveredAt, deliveredAt)
                .SetProperty(m => m.ClaimToken, (string?)null)
                .SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);

        if (outcome == Outcome.Retrying)
        {
            return await Store() == 1 ? outcome : Outcome.Skipped;
        }

        // The receipt carries the message's id and a hash of the outcome, never recipient or body.
        var action = outcome == Outcome.Delivered ? "notifications.delivered" : "notifications.dead-lettered";
        try
        {
            await receipts.RecordAsync(action, _ => "notifications/" + message.Id,
                async () => await Store() == 1 ? outcome : throw new ClaimLostException(),
                _ => Encoding.UTF8.GetBytes($"{message.Id}\n{state}\n{attempts}\n{now:O}"), cancellationToken);
            return outcome;
        }
        catch (ClaimLostException)
        {
            return Outcome.Skipped;
        }
    }

    private sealed class ClaimLostException() : Exception("Another worker holds the message's claim.");
}
