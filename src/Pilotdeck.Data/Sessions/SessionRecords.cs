using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Sessions;

/// <summary>One UAT session a facilitator held with a participant.</summary>
public sealed class SessionRecord : ITenantOwned
{
    public const int MaxTextLength = 8000;

    /// <summary>A UUID v7.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string ParticipantId { get; init; }

    /// <summary>When it took place, in UTC (every provider stores and orders it alike).</summary>
    public DateTimeOffset HeldAt { get; set; }

    /// <summary>The UTC offset the facilitator gave with the time, in minutes, so it is shown as given.</summary>
    public int HeldAtOffsetMinutes { get; set; }

    /// <summary>1–5.</summary>
    public int Satisfaction { get; set; }

    /// <summary>1–5.</summary>
    public int Trust { get; set; }

    public string Summary { get; set; } = "";

    public string FollowUp { get; set; } = "";

    /// <summary>The actor who recorded it ("user:&lt;id&gt;" or "client:&lt;id&gt;").</summary>
    public required string Facilitator { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A file kept for a participant. The bytes live in the blob store under <see cref="BlobKey"/>
/// (whose prefix is the tenant and the participant's id); this row is what lists and finds it.
/// </summary>
public sealed class AttachmentRecord : ITenantOwned
{
    /// <summary>A UUID v7.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string ParticipantId { get; init; }

    public string? SessionId { get; init; }

    public required string FileName { get; init; }

    public required string ContentType { get; init; }

    public long SizeBytes { get; init; }

    /// <summary>Lowercase hex.</summary>
    public required string Sha256 { get; init; }

    public required string BlobKey { get; init; }

    public required string UploadedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class SessionsModel :
    IEntityTypeConfiguration<SessionRecord>,
    IEntityTypeConfiguration<AttachmentRecord>
{
    public void Configure(EntityTypeBuilder<SessionRecord> b)
    {
        b.ToTable("uat_sessions");
        b.Property(s => s.Id).HasMaxLength(36);
        b.Property(s => s.ParticipantId).HasMaxLength(36);
        b.Property(s => s.Summary).HasMaxLength(SessionRecord.MaxTextLength);
        b.Property(s => s.FollowUp).HasMaxLength(SessionRecord.MaxTextLength);
        b.Property(s => s.Facilitator).HasMaxLength(200);
        // Every change sets it: of two concurrent updates of one session, the second is refused, not lost.
        b.Property(s => s.UpdatedAt).IsConcurrencyToken();
        b.HasOne<ParticipantRecord>().WithMany().HasForeignKeyWithinTenant(s => s.ParticipantId).OnDelete(DeleteBehavior.Cascade);
        // Listed latest first, per participant or for the tenant.
        b.HasIndex(s => new { s.TenantId, s.ParticipantId, s.HeldAt });
        b.HasIndex(s => new { s.TenantId, s.HeldAt });
    }

    public void Configure(EntityTypeBuilder<AttachmentRecord> b)
    {
        b.ToTable("attachments");
        b.Property(a => a.Id).HasMaxLength(36);
        b.Property(a => a.ParticipantId).HasMaxLength(36);
        b.Property(a => a.SessionId).HasMaxLength(36);
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.Property(a => a.BlobKey).HasMaxLength(300);
        b.Property(a => a.UploadedBy).HasMaxLength(200);
        b.HasOne<ParticipantRecord>().WithMany().HasForeignKeyWithinTenant(a => a.ParticipantId).OnDelete(DeleteBehavior.Cascade);
        // Not a second cascade path: a participant's removal takes their attachments by the key above.
        b.HasOne<SessionRecord>().WithMany().HasForeignKeyWithinTenant(a => a.SessionId).OnDelete(DeleteBehavior.NoAction);
        b.HasIndex(a => new { a.TenantId, a.ParticipantId, a.Id });
    }
}
