using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Retention;

/// <summary>A tenant's own retention window for one data class; classes without one take the installation's default.</summary>
public sealed class RetentionWindowRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    /// <summary>The data class's stored name, e.g. <c>feedback-text</c>.</summary>
    public required string DataClass { get; init; }

    public int Days { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A blob whose row was removed by retention or erasure, waiting for its file to be deleted. Written in
/// the removal's transaction and deleted once the file is gone, so a crash between the commit and the
/// file deletion leaves a job to finish (the next retention run does), never a file nothing names.
/// </summary>
public sealed class BlobDeletionRecord : ITenantOwned
{
    public long Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string BlobKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class RetentionModel : IEntityTypeConfiguration<RetentionWindowRecord>, IEntityTypeConfiguration<BlobDeletionRecord>
{
    public void Configure(EntityTypeBuilder<RetentionWindowRecord> b)
    {
        b.ToTable("retention_windows");
        b.HasKey(w => new { w.TenantId, w.DataClass });
        b.Property(w => w.DataClass).HasMaxLength(32);
        b.Property(w => w.UpdatedBy).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<BlobDeletionRecord> b)
    {
        b.ToTable("blob_deletions");
        b.Property(d => d.BlobKey).HasMaxLength(300);
        b.HasIndex(d => new { d.TenantId, d.Id });
    }
}
