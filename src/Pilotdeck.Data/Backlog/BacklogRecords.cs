using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Backlog;

/// <summary>One item of a cohort's iteration backlog (docs/backlog.md): open → planned → fixed → shipped.</summary>
public sealed class BacklogItemRecord : ITenantOwned
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxReleaseLength = 64;

    /// <summary>A UUID v7, so ids sort in creation order.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string CohortId { get; init; }

    public required string Title { get; set; }

    public string Description { get; set; } = "";

    /// <summary>open, planned, fixed or shipped.</summary>
    public required string State { get; set; }

    /// <summary>The owning member's user id, or empty.</summary>
    public string Owner { get; set; } = "";

    public string TargetRelease { get; set; } = "";

    /// <summary>
    /// The blocker group key the item was promoted from: the natural key that lets a second
    /// promotion add to this item instead of making another. Null for items made by hand.
    /// </summary>
    public string? BlockerKey { get; set; }

    /// <summary>The survivor this item was merged into; merged items are kept, never changed again.</summary>
    public string? MergedInto { get; set; }

    public DateTimeOffset? ShippedAt { get; set; }

    /// <summary>When NotifyFixed told its participants; null until then.</summary>
    public DateTimeOffset? AnnouncedAt { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An item's link to a participant or a piece of feedback that reported it.</summary>
public sealed class BacklogLinkRecord : ITenantOwned
{
    public const string Participant = "participant";
    public const string Feedback = "feedback";

    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string ItemId { get; set; }

    /// <summary><see cref="Participant"/> or <see cref="Feedback"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The participant's or the feedback's id.</summary>
    public required string TargetId { get; init; }
}

/// <summary>A shipped item in its release's changelog, as it read when it shipped; its participants are its links.</summary>
public sealed class ChangelogEntryRecord : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string ItemId { get; init; }

    public required string CohortId { get; init; }

    public required string Release { get; init; }

    public required string Title { get; init; }

    public DateTimeOffset ShippedAt { get; init; }
}

internal sealed class BacklogModel :
    IEntityTypeConfiguration<BacklogItemRecord>, IEntityTypeConfiguration<BacklogLinkRecord>, IEntityTypeConfiguration<ChangelogEntryRecord>
{
    public void Configure(EntityTypeBuilder<BacklogItemRecord> b)
    {
        b.ToTable("backlog_items");
        b.Property(i => i.Id).HasMaxLength(36);
        b.Property(i => i.CohortId).HasMaxLength(36);
        b.Property(i => i.Title).HasMaxLength(BacklogItemRecord.MaxTitleLength);
        b.Property(i => i.Description).HasMaxLength(BacklogItemRecord.MaxDescriptionLength);
        b.Property(i => i.State).HasMaxLength(16);
        b.Property(i => i.Owner).HasMaxLength(64);
        b.Property(i => i.TargetRelease).HasMaxLength(BacklogItemRecord.MaxReleaseLength);
        b.Property(i => i.BlockerKey).HasMaxLength(FeedbackKeyLength);
        b.Property(i => i.MergedInto).HasMaxLength(36);
        // Read-modify-write guard: an update made from a stale read is refused.
        b.Property(i => i.UpdatedAt).IsConcurrencyToken();
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(i => i.CohortId).OnDelete(DeleteBehavior.Cascade);
        // Lists page a cohort's items by id. A blocker key makes one item per cohort: of two
        // promotions racing, the second fails at commit instead of adding a duplicate.
        b.HasIndex(i => new { i.TenantId, i.CohortId, i.Id });
        b.HasIndex(i => new { i.TenantId, i.CohortId, i.BlockerKey }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<BacklogLinkRecord> b)
    {
        b.ToTable("backlog_links");
        b.Property(l => l.ItemId).HasMaxLength(36);
        b.Property(l => l.Kind).HasMaxLength(16);
        b.Property(l => l.TargetId).HasMaxLength(36);
        b.HasOne<BacklogItemRecord>().WithMany().HasForeignKeyWithinTenant(l => l.ItemId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => new { l.TenantId, l.ItemId, l.Kind, l.TargetId }).IsUnique();
        // A participant's or a feedback's items (data-subject export, erasure).
        b.HasIndex(l => new { l.TenantId, l.TargetId });
    }

    public void Configure(EntityTypeBuilder<ChangelogEntryRecord> b)
    {
        b.ToTable("changelog_entries");
        b.Property(e => e.ItemId).HasMaxLength(36);
        b.Property(e => e.CohortId).HasMaxLength(36);
        b.Property(e => e.Release).HasMaxLength(BacklogItemRecord.MaxReleaseLength);
        b.Property(e => e.Title).HasMaxLength(BacklogItemRecord.MaxTitleLength);
        b.HasOne<BacklogItemRecord>().WithMany().HasForeignKeyWithinTenant(e => e.ItemId).OnDelete(DeleteBehavior.Cascade);
        // SQL Server refuses two cascade paths to one row; the item's covers the cohort's.
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(e => e.CohortId).OnDelete(DeleteBehavior.NoAction);
        // An item ships once.
        b.HasIndex(e => new { e.TenantId, e.ItemId }).IsUnique();
        b.HasIndex(e => new { e.TenantId, e.Release, e.Id });
    }

    private const int FeedbackKeyLength = Feedback.FeedbackItemRecord.MaxTextLength;
}
