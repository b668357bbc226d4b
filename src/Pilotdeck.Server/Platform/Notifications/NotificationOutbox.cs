using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Notifications;

namespace Pilotdeck.Server.Platform.Notifications;

/// <summary>What a producer wants sent. <paramref name="Source"/> names what it is about, by id (never personal data).</summary>
public sealed record Notification(string Channel, string Recipient, string Subject, string Body, string Source, string? DedupeKey = null);

/// <summary>
/// The one way a message leaves Pilotdeck: producers call <see cref="EnqueueAsync"/> inside their own
/// transaction, which adds the message to their DbContext. Nothing is sent until that transaction
/// commits (a rolled-back change sends nothing) and a channel that is down loses nothing: the
/// delivery job (<see cref="NotificationDelivery"/>) sends committed messages and retries them.
/// Scoped and tenant-bound, like the producer's context.
/// </summary>
public sealed class NotificationOutbox(PilotdeckDbContext db, TimeProvider time)
{
    /// <summary>
    /// Adds the message to the caller's unit of work (the caller saves). With a dedupe key already
    /// used in the tenant, adds nothing and returns the message that key made.
    /// </summary>
    public async Task<OutboxMessageRecord> EnqueueAsync(Notification notification, CancellationToken cancellationToken)
    {
        Validate(notification);
        if (notification.DedupeKey is { } key)
        {
            // Not the context's Local view: reading it detects changes over every tracked entity,
            // once per message — quadratic for NotifyFixed's thousands of messages in one unit of work.
            // One this outbox added counts while the context still tracks it (a cleared tracker may
            // have dropped it unsaved, with a rolled-back transaction); the database knows the rest.
            var existing = (_added.TryGetValue(key, out var ours) && db.Entry(ours).State != EntityState.Detached ? ours : null)
                ?? await db.OutboxMessages.FirstOrDefaultAsync(m => m.DedupeKey == key, cancellationToken);
            if (existing is not null)
            {
                return existing;
            }
        }

        var now = time.GetUtcNow();
        var message = new OutboxMessageRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Channel = notification.Channel,
            Recipient = notification.Recipient,
            Subject = notification.Subject,
            Body = notification.Body,
            DedupeKey = notification.DedupeKey,
            Source = notification.Source,
            State = OutboxStates.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.OutboxMessages.Add(message);
        if (message.DedupeKey is { } added)
        {
            _added[added] = message;
        }

        return message;
    }

    // The messages this outbox added in its scope, saved or not, by dedupe key.
    private readonly Dictionary<string, OutboxMessageRecord> _added = new(StringComparer.Ordinal);

    // Producers are our own code: a bad message is a bug in it, not a caller's input error.
    private static void Validate(Notification n)
    {
        if (n.Channel is not (NotificationChannels.Webhook or NotificationChannels.Smtp))
        {
            throw new ArgumentException($"Unknown channel '{n.Channel}'.", nameof(n));
        }

        if (n.Channel == NotificationChannels.Smtp && !EmailAddresses.IsValid(n.Recipient))
        {
            throw new ArgumentException("An SMTP message needs a valid recipient email address.", nameof(n));
        }

        if (n.Subject.Length > OutboxMessageRecord.MaxSubjectLength || n.Body.Length > OutboxMessageRecord.MaxBodyLength || n.Recipient.Length > EmailAddresses.MaxLength)
        {
            throw new ArgumentException("Subject, body or recipient is too long.", nameof(n));
        }

        if (n.Subject.Contains('\n') || n.Subject.Contains('\r'))
        {
            throw new ArgumentException("A subject is one line.", nameof(n));
        }
    }
}
