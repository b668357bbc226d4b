using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Notifications;

/// <summary>The stored names of the channels a message can leave through.</summary>
public static class NotificationChannels
{
    public const string Webhook = "webhook";
    public const string Smtp = "smtp";
}

/// <summary>The stored names of an outbox message's states: pending until delivered, or dead after the last attempt.</summary>
public static class OutboxStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";
}

/// <summary>
/// A tenant's configuration of one channel (key: tenant and kind). A webhook uses <see cref="Url"/>
/// and <see cref="WebhookAuth"/>; SMTP uses the Smtp* fields. The one secret (the webhook's bearer
/// token or signing key, or the SMTP password) is stored protected by ASP.NET DataProtection and is
/// never returned by the API.
/// </summary>
public sealed class NotificationChannelRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    public required string Kind { get; init; }

    public string? Url { get; set; }

    /// <summary>none, bearer or hmac-sha256.</summary>
    public string? WebhookAuth { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; }

    /// <summary>none, starttls or implicit.</summary>
    public string? SmtpTls { get; set; }

    public string? FromAddress { get; set; }

    public string? Username { get; set; }

    public string? ProtectedSecret { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One message in the outbox. Producers add it in their own transaction; the delivery job sends it
/// after that commits. <see cref="ClaimToken"/> and <see cref="ClaimedUntil"/> are a worker's lease on
/// the row (docs/adr/0015-notification-outbox-claims.md).
/// </summary>
public sealed class OutboxMessageRecord : ITenantOwned
{
    public const int MaxSubjectLength = 300;
    public const int MaxBodyLength = 20_000;
    public const int MaxErrorLength = 1000;

    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    /// <summary>A <see cref="NotificationChannels"/> name.</summary>
    public required string Channel { get; init; }

    /// <summary>An email address for SMTP; for a webhook, an optional name the payload carries (e.g. a Slack handle).</summary>
    public required string Recipient { get; init; }

    public required string Subject { get; init; }

    public required string Body { get; init; }

    /// <summary>A producer's key: a second enqueue with the same key in the tenant adds nothing.</summary>
    public string? DedupeKey { get; init; }

    /// <summary>What produced the message, by id (e.g. <c>participants/&lt;uuid&gt;</c>).</summary>
    public required string Source { get; init; }

    public required string State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? ClaimToken { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }
}

internal sealed class NotificationModel :
    IEntityTypeConfiguration<NotificationChannelRecord>,
    IEntityTypeConfiguration<OutboxMessageRecord>
{
    public void Configure(EntityTypeBuilder<NotificationChannelRecord> b)
    {
        b.ToTable("notification_channels");
        b.HasKey(c => new { c.TenantId, c.Kind });
        b.Property(c => c.Kind).HasMaxLength(16);
        b.Property(c => c.Url).HasMaxLength(2000);
        b.Property(c => c.WebhookAuth).HasMaxLength(16);
        b.Property(c => c.SmtpHost).HasMaxLength(253);
        b.Property(c => c.SmtpTls).HasMaxLength(16);
        b.Property(c => c.FromAddress).HasMaxLength(320);
        b.Property(c => c.Username).HasMaxLength(320);
        b.Property(c => c.ProtectedSecret).HasMaxLength(4000);
    }

    public void Configure(EntityTypeBuilder<OutboxMessageRecord> b)
    {
        b.ToTable("outbox_messages");
        b.Property(m => m.Id).HasMaxLength(64);
        b.Property(m => m.Channel).HasMaxLength(16);
        b.Property(m => m.Recipient).HasMaxLength(320);
        b.Property(m => m.Subject).HasMaxLength(OutboxMessageRecord.MaxSubjectLength);
        b.Property(m => m.Body).HasMaxLength(OutboxMessageRecord.MaxBodyLength);
        b.Property(m => m.DedupeKey).HasMaxLength(200);
        b.Property(m => m.Source).HasMaxLength(300);
        b.Property(m => m.State).HasMaxLength(16);
        b.Property(m => m.LastError).HasMaxLength(OutboxMessageRecord.MaxErrorLength);
        b.Property(m => m.ClaimToken).HasMaxLength(64);
        // Enqueueing is idempotent per producer key; messages without a key never collide.
        b.HasIndex(m => new { m.TenantId, m.DedupeKey }).IsUnique();
        // The delivery job reads due pending messages; the portal lists newest first per state.
        b.HasIndex(m => new { m.TenantId, m.State, m.NextAttemptAt });
        b.HasIndex(m => new { m.TenantId, m.CreatedAt });
    }
}
