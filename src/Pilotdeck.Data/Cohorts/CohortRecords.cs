using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Cohorts;

/// <summary>A group of participants in one pilot, named by a slug unique in its tenant.</summary>
public sealed class CohortRecord : ITenantOwned
{
    /// <summary>A UUID v7, so ids sort in creation order.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string Slug { get; init; }

    public required string Title { get; set; }

    public DateOnly? StartDate { get; set; }

    public DateOnly? EndDate { get; set; }

    public int TargetSize { get; set; }

    public string DefaultChannel { get; set; } = "";

    public string DefaultLocale { get; set; } = "";

    /// <summary>planning, recruiting, running or closed.</summary>
    public required string State { get; set; }

    /// <summary>Synthetic data made by <c>pilotdeck rehearse</c>; set on create only. Only such a cohort can be purged.</summary>
    public bool Rehearsal { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One person in a cohort: the only record besides a member's that holds personal data (alias,
/// email, phone). Receipts and other features name a participant by <see cref="Id"/> only.
/// </summary>
public sealed class ParticipantRecord : ITenantOwned
{
    /// <summary>A UUID v7, so ids sort in creation order.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string CohortId { get; init; }

    /// <summary>
    /// The participant's key in the cohort: "email:" and the lowercased email, or "alias:" and the
    /// alias when there is no email. Unique per cohort; an importer matches rows on it.
    /// </summary>
    public required string NaturalKey { get; set; }

    public string Alias { get; set; } = "";

    public string Email { get; set; } = "";

    /// <summary>E.164, or empty.</summary>
    public string Phone { get; set; } = "";

    /// <summary>A BCP 47 tag in canonical case, or empty.</summary>
    public string Locale { get; set; } = "";

    /// <summary>invited, scheduled, active, completed or dropped.</summary>
    public required string Status { get; set; }

    /// <summary>
    /// The status the participant was created with, and <see cref="CreatedBy"/> who created them: the first
    /// entry of the status history, kept on this row rather than as a status change of its own
    /// (docs/adr/0026-first-status-on-the-participant.md). Empty only for a participant stored without one.
    /// </summary>
    public string InitialStatus { get; init; } = "";

    /// <summary>The actor (as receipts name one) who created the participant.</summary>
    public string CreatedBy { get; init; } = "";

    public string Source { get; set; } = "";

    public string Channel { get; set; } = "";

    /// <summary>Tags between bars, "|vip|wechat|", so one tag is found with a LIKE on every provider; "" for none.</summary>
    public string Tags { get; set; } = "";

    /// <summary>Null while consent was never recorded.</summary>
    public bool? ConsentGiven { get; set; }

    public DateTimeOffset? ConsentAt { get; set; }

    public string ConsentMethod { get; set; } = "";

    public DateTimeOffset? LastContactedAt { get; set; }

    public DateTimeOffset? RepliedAt { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// The import row the participant's fields last came from, bound to <see cref="UpdatedAt"/>
    /// (see <c>ImportDigests</c> in the server): set when an import creates or updates the
    /// participant. Any later change moves UpdatedAt, the binding no longer holds, and a re-import
    /// checks the row in full again (docs/adr/0029-rows-recognised-by-their-digest.md). Null when no import set it.
    /// </summary>
    public string? ImportDigest { get; set; }

    /// <summary>When the participant's personal data was erased on request; null while it was not. An erased participant is never changed again.</summary>
    public DateTimeOffset? ErasedAt { get; set; }
}

/// <summary>One status a participant moved to after the one they were created with; never changed.</summary>
public sealed class ParticipantStatusChangeRecord : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string ParticipantId { get; init; }

    /// <summary>The status before; never empty (the first status is kept on the participant).</summary>
    public required string FromStatus { get; init; }

    public required string ToStatus { get; init; }

    public required string Actor { get; init; }

    public DateTimeOffset ChangedAt { get; init; }
}

/// <summary>One entry of a participant's outreach log; never changed or removed, except that retention and erasure clear its text.</summary>
public sealed class ParticipantNoteRecord : ITenantOwned
{
    public const int MaxTextLength = 4000;

    /// <summary>A note a person wrote.</summary>
    public const string NoteKind = "note";

    /// <summary>A follow-up nudge the daily job sent.</summary>
    public const string NudgeKind = "nudge";

    /// <summary>A "your blocker is fixed" message was sent (docs/backlog.md).</summary>
    public const string FixedKind = "fixed";

    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string ParticipantId { get; init; }

    /// <summary><see cref="NoteKind"/>, <see cref="NudgeKind"/> or <see cref="FixedKind"/>: nudges count toward the follow-up cadence.</summary>
    public string Kind { get; init; } = NoteKind;

    public required string Text { get; init; }

    public required string Author { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A tenant's own copy of a follow-up message for one kind, channel and locale (the shipped ones apply otherwise).</summary>
public sealed class FollowupTemplateRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    /// <summary>nudge or fixed.</summary>
    public required string Kind { get; init; }

    /// <summary>A channel, or "*" for every channel without its own.</summary>
    public required string Channel { get; init; }

    public required string Locale { get; init; }

    public required string Subject { get; set; }

    public required string Body { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class CohortsModel :
    IEntityTypeConfiguration<CohortRecord>,
    IEntityTypeConfiguration<ParticipantRecord>,
    IEntityTypeConfiguration<ParticipantStatusChangeRecord>,
    IEntityTypeConfiguration<ParticipantNoteRecord>,
    IEntityTypeConfiguration<FollowupTemplateRecord>
{
    public void Configure(EntityTypeBuilder<CohortRecord> b)
    {
        b.ToTable("cohorts");
        b.Property(c => c.Id).HasMaxLength(36);
        b.Property(c => c.Slug).HasMaxLength(64);
        b.Property(c => c.Title).HasMaxLength(200);
        b.Property(c => c.DefaultChannel).HasMaxLength(32);
        b.Property(c => c.DefaultLocale).HasMaxLength(35);
        b.Property(c => c.State).HasMaxLength(16);
        // A store default so the column could be added to existing cohorts (migration RehearsalCohorts).
        b.Property(c => c.Rehearsal).HasDefaultValue(false);
        b.HasIndex(c => new { c.TenantId, c.Slug }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<ParticipantRecord> b)
    {
        b.ToTable("participants");
        b.Property(p => p.Id).HasMaxLength(36);
        b.Property(p => p.CohortId).HasMaxLength(36);
        b.Property(p => p.NaturalKey).HasMaxLength(330);
        b.Property(p => p.Alias).HasMaxLength(200);
        b.Property(p => p.Email).HasMaxLength(320);
        b.Property(p => p.Phone).HasMaxLength(20);
        b.Property(p => p.Locale).HasMaxLength(35);
        b.Property(p => p.Status).HasMaxLength(16);
        // Defaults for the rows stored before these columns (migration ParticipantInitialStatus).
        b.Property(p => p.InitialStatus).HasMaxLength(16).HasDefaultValue("");
        b.Property(p => p.CreatedBy).HasMaxLength(200).HasDefaultValue("");
        b.Property(p => p.Source).HasMaxLength(64);
        b.Property(p => p.Channel).HasMaxLength(32);
        b.Property(p => p.Tags).HasMaxLength(1000);
        b.Property(p => p.ConsentMethod).HasMaxLength(200);
        // Every change sets it: of two concurrent updates of one participant, the second is refused, not lost.
        b.Property(p => p.UpdatedAt).IsConcurrencyToken();
        b.Property(p => p.ImportDigest).HasMaxLength(32);
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(p => p.CohortId).OnDelete(DeleteBehavior.Cascade);
        // Natural key before cohort: an import probes this index by (natural key, cohort) as a row
        // comparison, which no index led by the cohort can answer, whatever the planner believes
        // about the cohort's size (ParticipantLookups).
        b.HasIndex(p => new { p.TenantId, p.NaturalKey, p.CohortId }).IsUnique();
        // Rosters are listed per cohort and status in creation (id) order.
        b.HasIndex(p => new { p.TenantId, p.CohortId, p.Status, p.Id });
    }

    public void Configure(EntityTypeBuilder<ParticipantStatusChangeRecord> b)
    {
        b.ToTable("participant_status_changes");
        b.Property(c => c.ParticipantId).HasMaxLength(36);
        b.Property(c => c.FromStatus).HasMaxLength(16);
        b.Property(c => c.ToStatus).HasMaxLength(16);
        b.Property(c => c.Actor).HasMaxLength(200);
        b.HasOne<ParticipantRecord>().WithMany().HasForeignKeyWithinTenant(c => c.ParticipantId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.TenantId, c.ParticipantId, c.Id });
    }

    public void Configure(EntityTypeBuilder<ParticipantNoteRecord> b)
    {
        b.ToTable("participant_notes");
        b.Property(n => n.ParticipantId).HasMaxLength(36);
        b.Property(n => n.Text).HasMaxLength(ParticipantNoteRecord.MaxTextLength);
        b.Property(n => n.Author).HasMaxLength(200);
        b.Property(n => n.Kind).HasMaxLength(16);
        b.HasOne<ParticipantRecord>().WithMany().HasForeignKeyWithinTenant(n => n.ParticipantId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => new { n.TenantId, n.ParticipantId, n.Id });
    }

    public void Configure(EntityTypeBuilder<FollowupTemplateRecord> b)
    {
        b.ToTable("followup_templates");
        b.HasKey(t => new { t.TenantId, t.Kind, t.Channel, t.Locale });
        b.Property(t => t.Kind).HasMaxLength(16);
        b.Property(t => t.Channel).HasMaxLength(32);
        b.Property(t => t.Locale).HasMaxLength(35);
        b.Property(t => t.Subject).HasMaxLength(200);
        b.Property(t => t.Body).HasMaxLength(4000);
        b.Property(t => t.UpdatedBy).HasMaxLength(200);
    }
}
