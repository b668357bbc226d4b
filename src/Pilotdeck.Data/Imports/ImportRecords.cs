using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Imports;

/// <summary>One run of an importer over one file (docs/imports.md). Progress fields are written as it goes.</summary>
public sealed class ImportRecord : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string Kind { get; init; }

    public required string SourceFileName { get; init; }

    /// <summary>Lower-case hex SHA-256 of the uploaded bytes.</summary>
    public required string SourceSha256 { get; init; }

    public long SourceSize { get; init; }

    /// <summary>The options as a JSON object of strings, keys sorted.</summary>
    public required string OptionsJson { get; init; }

    /// <summary>One of <see cref="ImportStates"/>.</summary>
    public required string State { get; set; }

    public long CreatedCount { get; set; }
    public long UpdatedCount { get; set; }
    public long UnchangedCount { get; set; }
    public long RejectedCount { get; set; }

    public string? PlanHash { get; set; }

    public long RowsDone { get; set; }
    public long RowsTotal { get; set; }
    public double RowsPerSecond { get; set; }

    public string? Failure { get; set; }

    public string? JobId { get; set; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class ImportStates
{
    public const string Uploaded = "uploaded";
    public const string Planning = "planning";
    public const string Planned = "planned";
    public const string Committing = "committing";
    public const string Committed = "committed";
    public const string Failed = "failed";
}

/// <summary>
/// The uploaded file, kept in the database in chunks so every host sharing the database can
/// re-plan it and none holds the whole file in memory.
/// </summary>
public sealed class ImportChunkRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    public required string ImportId { get; init; }

    public int Sequence { get; init; }

    public required byte[] Data { get; init; }
}

/// <summary>
/// One row of an import's plan, or a run of rows: consecutive created or unchanged rows with no
/// field or reason are stored as one record (ADR 0028), so the database checks the record's
/// foreign key once per run rather than once per row. <see cref="ImportRowQueries.ToRuns"/> makes
/// them, <see cref="ImportRowQueries.Expand"/> gives a record's rows back.
/// </summary>
public sealed class ImportRowRecord : ITenantOwned
{
    /// <summary>The most rows one record holds; a reader looks this far back for the run that holds a row.</summary>
    public const int MaxRunLength = 1024;

    public string TenantId { get; init; } = "";

    public required string ImportId { get; init; }

    /// <summary>The row's number; a run's first row.</summary>
    public long RowNumber { get; init; }

    /// <summary>A run's last row; 0 for a record of one row.</summary>
    public long LastRowNumber { get; init; }

    /// <summary>One of <see cref="RowOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>A one-row record's natural key (empty once erased; empty for a run).</summary>
    public string Key { get; init; } = "";

    /// <summary>A run's keys in row order, a JSON array of strings; empty for a one-row record, and for a run whose keys were all erased.</summary>
    public string Keys { get; init; } = "";

    public string Field { get; init; } = "";

    public string Reason { get; init; } = "";
}

/// <summary>The stored spelling of a plan row's outcome.</summary>
public static class RowOutcomes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";

    /// <summary>
    /// The outcomes whose rows have an index of their own (<c>import_rows</c>): the few rows a
    /// reviewer looks for among many created or unchanged ones. Rows of the other outcomes are
    /// found in row order through the primary key; they are most of a plan, so an index of them
    /// would cost every dry-run a write per row and save a list little.
    /// </summary>
    public static readonly IReadOnlyList<string> Indexed = [Rejected, Updated];
}

/// <summary>
/// A signing key of the installation itself (not of a tenant), e.g. the one that signs import
/// error manifests. The private half is stored protected with ASP.NET Core Data Protection.
/// </summary>
public sealed class InstallationKeyRecord
{
    /// <summary>What the key signs, e.g. "import-manifest".</summary>
    public required string Purpose { get; init; }

    public required string ProtectedPrivateKey { get; init; }

    /// <summary>Raw 32-byte Ed25519 public key.</summary>
    public required byte[] PublicKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class ImportsModel :
    IEntityTypeConfiguration<ImportRecord>,
    IEntityTypeConfiguration<ImportChunkRecord>,
    IEntityTypeConfiguration<ImportRowRecord>,
    IEntityTypeConfiguration<InstallationKeyRecord>
{
    public void Configure(EntityTypeBuilder<ImportRecord> b)
    {
        b.ToTable("imports");
        b.Property(i => i.Id).HasMaxLength(64);
        b.Property(i => i.Kind).HasMaxLength(64);
        b.Property(i => i.SourceFileName).HasMaxLength(260);
        b.Property(i => i.SourceSha256).HasMaxLength(64);
        b.Property(i => i.OptionsJson).HasMaxLength(4000);
        b.Property(i => i.State).HasMaxLength(32);
        b.Property(i => i.PlanHash).HasMaxLength(64);
        b.Property(i => i.Failure).HasMaxLength(2000);
        b.Property(i => i.JobId).HasMaxLength(64);
        b.Property(i => i.CreatedBy).HasMaxLength(200);
        // Listed newest first per tenant.
        b.HasIndex(i => new { i.TenantId, i.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<ImportChunkRecord> b)
    {
        b.ToTable("import_chunks");
        b.HasKey(c => new { c.TenantId, c.ImportId, c.Sequence });
        b.Property(c => c.ImportId).HasMaxLength(64);
        b.HasOne<ImportRecord>().WithMany().HasForeignKeyWithinTenant(c => c.ImportId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ImportRowRecord> b)
    {
        b.ToTable("import_rows");
        b.HasKey(r => new { r.TenantId, r.ImportId, r.RowNumber });
        b.Property(r => r.ImportId).HasMaxLength(64);
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Key).HasMaxLength(400);
        b.Property(r => r.Field).HasMaxLength(100);
        b.Property(r => r.Reason).HasMaxLength(500);
        // Defaults for the rows stored before runs (migration ImportRowRuns).
        b.Property(r => r.LastRowNumber).HasDefaultValue(0L);
        b.Property(r => r.Keys).HasDefaultValue("");
        b.HasOne<ImportRecord>().WithMany().HasForeignKeyWithinTenant(r => r.ImportId).OnDelete(DeleteBehavior.Cascade);
        foreach (var outcome in RowOutcomes.Indexed)
        {
            b.HasIndex(r => new { r.TenantId, r.ImportId, r.RowNumber }, $"IX_import_rows_{outcome}").HasFilter($"outcome = '{outcome}'");
        }
    }

    public void Configure(EntityTypeBuilder<InstallationKeyRecord> b)
    {
        b.ToTable("installation_keys");
        b.HasKey(k => k.Purpose);
        b.Property(k => k.Purpose).HasMaxLength(64);
        b.Property(k => k.PublicKey).HasMaxLength(32);
    }
}
