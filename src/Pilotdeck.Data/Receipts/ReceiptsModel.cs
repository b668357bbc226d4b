using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pilotdeck.Data.Receipts;

/// <summary>The receipts and each tenant's log: its stored hashes, checkpoints and signing key (docs/receipts.md).</summary>
internal sealed class ReceiptsModel :
    IEntityTypeConfiguration<ReceiptRecord>,
    IEntityTypeConfiguration<LogHashRecord>,
    IEntityTypeConfiguration<LogCheckpointRecord>,
    IEntityTypeConfiguration<LogKeyRecord>
{
    public void Configure(EntityTypeBuilder<ReceiptRecord> b)
    {
        b.ToTable("receipts");
        b.Property(r => r.Id).HasMaxLength(64);
        b.Property(r => r.Actor).HasMaxLength(200);
        b.Property(r => r.Action).HasMaxLength(200);
        b.Property(r => r.Subject).HasMaxLength(300);
        b.Property(r => r.RequestId).HasMaxLength(64);
        b.Property(r => r.DecisionId).HasMaxLength(64);
        b.Property(r => r.ContentSha256).HasMaxLength(32);
        // Listed and sequenced in order of writing, per tenant; timelines read one subject's.
        b.HasIndex(r => new { r.TenantId, r.CreatedAt });
        b.HasIndex(r => new { r.TenantId, r.Subject });
        // One receipt per leaf: a second sequencer can never give two receipts one index. Sequenced
        // receipts only: a pending receipt's write skips it, and the one index that answers
        // "pending" by itself is the one below, which hands them over in order. (Unfiltered, it was
        // PostgreSQL's choice for `log_index IS NULL` whenever the statistics predated a backlog:
        // every pending receipt read and sorted for each batch of a thousand.)
        b.HasIndex(r => new { r.TenantId, r.LogIndex }).IsUnique().HasFilter("log_index IS NOT NULL");
        // The sequencer's next batch in its order, found without sorting the whole backlog;
        // it holds only the pending receipts (the same filter text suits all three providers).
        b.HasIndex(r => new { r.TenantId, r.CreatedAt, r.Id }).HasFilter("log_index IS NULL");
    }

    public void Configure(EntityTypeBuilder<LogHashRecord> b)
    {
        b.ToTable("log_hashes");
        b.HasKey(h => new { h.TenantId, h.Slot });
        b.Property(h => h.Hash).HasMaxLength(32);
    }

    public void Configure(EntityTypeBuilder<LogCheckpointRecord> b)
    {
        b.ToTable("log_checkpoints");
        b.HasKey(c => new { c.TenantId, c.TreeSize });
        b.Property(c => c.RootHash).HasMaxLength(32);
    }

    public void Configure(EntityTypeBuilder<LogKeyRecord> b)
    {
        b.ToTable("log_keys");
        b.HasKey(k => k.TenantId);
        b.Property(k => k.Origin).HasMaxLength(200);
        b.Property(k => k.VerifierKey).HasMaxLength(400);
    }
}
