using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Feedback;

/// <summary>One piece of feedback from a participant: a rating, a sentiment and its highlights and blockers (<see cref="FeedbackItemRecord"/>).</summary>
public sealed class FeedbackRecord : ITenantOwned
{
    /// <summary>A UUID v7, so ids sort in submission order.</summary>
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string ParticipantId { get; init; }

    /// <summary>The participant's cohort when the feedback came in, kept so summaries need no join.</summary>
    public required string CohortId { get; init; }

    public int Rating { get; init; }

    /// <summary>positive, neutral or negative.</summary>
    public required string Sentiment { get; init; }

    /// <summary>The actor who submitted it (user:… or client:…).</summary>
    public required string SubmittedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The UTC day the feedback was given (the request's given_time, else <see cref="CreatedAt"/>): the unit of the daily trend, grouped in SQL on every provider.</summary>
    public DateOnly CreatedOn { get; init; }
}

/// <summary>One highlight or blocker of a piece of feedback, in the order given.</summary>
public sealed class FeedbackItemRecord : ITenantOwned
{
    public const string Highlight = "highlight";
    public const string Blocker = "blocker";
    public const int MaxTextLength = 1000;

    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string FeedbackId { get; init; }

    public required string CohortId { get; init; }

    public required string ParticipantId { get; init; }

    /// <summary><see cref="Highlight"/> or <see cref="Blocker"/>.</summary>
    public required string Kind { get; init; }

    public required string Text { get; init; }

    /// <summary>The text reduced for grouping (case, punctuation, word order, filler words): equal keys are the same blocker.</summary>
    public required string GroupKey { get; init; }
}

/// <summary>
/// A cohort's sentiment alert changing state: raised when the negative share crossed the threshold,
/// recovered when it fell below the lower one. The latest by <see cref="Sequence"/> is the cohort's
/// state; the unique sequence lets only one of two racing evaluations record a change.
/// </summary>
public sealed class SentimentAlertRecord : ITenantOwned
{
    public const string Raised = "raised";
    public const string Recovered = "recovered";

    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string CohortId { get; init; }

    /// <summary>1 for the cohort's first change, then one more each time.</summary>
    public int Sequence { get; init; }

    /// <summary><see cref="Raised"/> or <see cref="Recovered"/>.</summary>
    public required string Kind { get; init; }

    public int Negative { get; init; }

    public int Total { get; init; }

    public double NegativeShare { get; init; }

    public int WindowDays { get; init; }

    /// <summary>The outbox message that announced it.</summary>
    public string? MessageId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A cohort's daily feedback report: the summary as the daily job computed it that day (protobuf JSON).</summary>
public sealed class FeedbackReportRecord : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string CohortId { get; init; }

    /// <summary>The UTC day of the run; one report per cohort and day.</summary>
    public DateOnly Day { get; init; }

    public int Total { get; init; }

    public double AverageRating { get; init; }

    /// <summary>GetFeedbackSummaryResponse as protobuf JSON: counts and blocker texts, no names or contacts. Retention and erasure remove blocker texts from it.</summary>
    public required string SummaryJson { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// How many pieces of feedback a cohort got on one day with one sentiment and one rating: the
/// summary's trend and rating distribution are sums of these (docs/adr/0022-feedback-summary-aggregates.md).
/// Kept in step with <see cref="FeedbackRecord"/> in the transaction of every change to it.
/// </summary>
public sealed class FeedbackCountRecord : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string CohortId { get; init; }

    /// <summary>The feedback's <see cref="FeedbackRecord.CreatedOn"/>.</summary>
    public DateOnly Day { get; init; }

    public required string Sentiment { get; init; }

    public int Rating { get; init; }

    public int Total { get; set; }
}

/// <summary>
/// One blocker key of a cohort (<see cref="FeedbackItemRecord.GroupKey"/>): how often it was reported,
/// by how many distinct participants, and the wording shown for it — the alphabetically first in the
/// database's own order, as <c>MIN(text)</c> would give. Kept in step with the cohort's blockers in the
/// transaction of every change to them; grouping by similarity then runs over these rows.
/// </summary>
public sealed class BlockerCountRecord : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string CohortId { get; init; }

    public required string GroupKey { get; init; }

    public int Reports { get; set; }

    public int Participants { get; set; }

    public required string Wording { get; set; }
}

internal sealed class FeedbackModel :
    IEntityTypeConfiguration<FeedbackRecord>, IEntityTypeConfiguration<FeedbackItemRecord>, IEntityTypeConfiguration<SentimentAlertRecord>,
    IEntityTypeConfiguration<FeedbackReportRecord>, IEntityTypeConfiguration<FeedbackCountRecord>, IEntityTypeConfiguration<BlockerCountRecord>
{
    public void Configure(EntityTypeBuilder<FeedbackCountRecord> b)
    {
        b.ToTable("feedback_counts");
        b.Property(c => c.CohortId).HasMaxLength(36);
        b.Property(c => c.Sentiment).HasMaxLength(16);
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(c => c.CohortId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.TenantId, c.CohortId, c.Day, c.Sentiment, c.Rating }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<BlockerCountRecord> b)
    {
        b.ToTable("feedback_blocker_counts");
        b.Property(k => k.CohortId).HasMaxLength(36);
        b.Property(k => k.GroupKey).HasMaxLength(FeedbackItemRecord.MaxTextLength);
        b.Property(k => k.Wording).HasMaxLength(FeedbackItemRecord.MaxTextLength);
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(k => k.CohortId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(k => new { k.TenantId, k.CohortId, k.GroupKey }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<FeedbackReportRecord> b)
    {
        b.ToTable("feedback_reports");
        b.Property(r => r.CohortId).HasMaxLength(36);
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(r => r.CohortId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.TenantId, r.CohortId, r.Day }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SentimentAlertRecord> b)
    {
        b.ToTable("sentiment_alerts");
        b.Property(a => a.CohortId).HasMaxLength(36);
        b.Property(a => a.Kind).HasMaxLength(16);
        b.Property(a => a.MessageId).HasMaxLength(64);
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(a => a.CohortId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.TenantId, a.CohortId, a.Sequence }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<FeedbackRecord> b)
    {
        b.ToTable("feedback");
        b.Property(f => f.Id).HasMaxLength(36);
        b.Property(f => f.ParticipantId).HasMaxLength(36);
        b.Property(f => f.CohortId).HasMaxLength(36);
        b.Property(f => f.Sentiment).HasMaxLength(16);
        b.Property(f => f.SubmittedBy).HasMaxLength(200);
        b.HasOne<ParticipantRecord>().WithMany().HasForeignKeyWithinTenant(f => f.ParticipantId).OnDelete(DeleteBehavior.Cascade);
        // SQL Server refuses two cascade paths to one row; the participant's covers the cohort's.
        b.HasOne<CohortRecord>().WithMany().HasForeignKeyWithinTenant(f => f.CohortId).OnDelete(DeleteBehavior.NoAction);
        // Summaries count a cohort's feedback by day, sentiment and rating from this index alone
        // (no row is read: bench/feedback.sh); lists page by id.
        b.HasIndex(f => new { f.TenantId, f.CohortId, f.CreatedOn, f.Sentiment, f.Rating });
        b.HasIndex(f => new { f.TenantId, f.ParticipantId, f.Id });
    }

    public void Configure(EntityTypeBuilder<FeedbackItemRecord> b)
    {
        b.ToTable("feedback_items");
        b.Property(i => i.FeedbackId).HasMaxLength(36);
        b.Property(i => i.CohortId).HasMaxLength(36);
        b.Property(i => i.ParticipantId).HasMaxLength(36);
        b.Property(i => i.Kind).HasMaxLength(16);
        b.Property(i => i.Text).HasMaxLength(FeedbackItemRecord.MaxTextLength);
        b.Property(i => i.GroupKey).HasMaxLength(FeedbackItemRecord.MaxTextLength);
        b.HasOne<FeedbackRecord>().WithMany().HasForeignKeyWithinTenant(i => i.FeedbackId).OnDelete(DeleteBehavior.Cascade);
        // Summaries count a cohort's blockers per key, with distinct participants and the first
        // wording's id, from this index alone; reading 100,000 rows for it missed the 200 ms goal.
        b.HasIndex(i => new { i.TenantId, i.CohortId, i.Kind, i.GroupKey, i.ParticipantId, i.Id });
        b.HasIndex(i => new { i.TenantId, i.FeedbackId });
    }
}
