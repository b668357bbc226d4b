using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Policy;

/// <summary>One version of a tenant's policy bundle. Versions are never changed, only added.</summary>
public sealed class PolicyBundleRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    public int Version { get; init; }

    /// <summary>The bundle's YAML, line ends normalised to LF.</summary>
    public required string Text { get; init; }

    /// <summary>SHA-256 of <see cref="Text"/> in UTF-8, lowercase hex.</summary>
    public required string Sha256 { get; init; }

    public required string Author { get; init; }

    public int RuleCount { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// One evaluation of a governed action. <see cref="InputJson"/> keeps what the rules saw (action,
/// subject, the caller's role and scopes, the request's attributes — no personal data) so a
/// candidate bundle can be re-run against past decisions.
/// </summary>
public sealed class PolicyDecisionRecord : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string Action { get; init; }

    public required string Subject { get; init; }

    public required string Actor { get; init; }

    public int BundleVersion { get; init; }

    public required string BundleSha256 { get; init; }

    /// <summary>The matching rule's id; "-" when none matched.</summary>
    public required string RuleId { get; init; }

    /// <summary>allow, deny or require_approval.</summary>
    public required string Effect { get; init; }

    public required string Reason { get; init; }

    public string? ApprovalId { get; init; }

    public required string InputJson { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A request for approval opened by a require-approval decision.</summary>
public sealed class ApprovalRequestRecord : ITenantOwned
{
    public required string Id { get; init; }

    public string TenantId { get; init; } = "";

    public required string Action { get; init; }

    public required string Subject { get; init; }

    /// <summary>SHA-256 of the request with its request_id cleared, lowercase hex.</summary>
    public required string PayloadSha256 { get; init; }

    public required string Requester { get; init; }

    /// <summary>pending, approved, denied, expired or executed.</summary>
    public required string State { get; set; }

    /// <summary>The lowest role an approver needs, as stored for memberships (e.g. "admin").</summary>
    public required string ApproverRole { get; init; }

    public int ApprovalsRequired { get; init; }

    public required string DecisionId { get; init; }

    public required string Reason { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? DecidedAt { get; set; }

    public List<ApprovalVoteRecord> Votes { get; init; } = [];
}

/// <summary>One approver's approve or deny on a request.</summary>
public sealed class ApprovalVoteRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    public required string ApprovalId { get; init; }

    public required string Approver { get; init; }

    public bool Approved { get; init; }

    public required string Comment { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class PolicyModel :
    IEntityTypeConfiguration<PolicyBundleRecord>,
    IEntityTypeConfiguration<PolicyDecisionRecord>,
    IEntityTypeConfiguration<ApprovalRequestRecord>,
    IEntityTypeConfiguration<ApprovalVoteRecord>
{
    public void Configure(EntityTypeBuilder<PolicyBundleRecord> b)
    {
        b.ToTable("policy_bundles");
        b.HasKey(p => new { p.TenantId, p.Version });
        b.Property(p => p.Sha256).HasMaxLength(64);
        b.Property(p => p.Author).HasMaxLength(200);
    }

    public void Configure(EntityTypeBuilder<PolicyDecisionRecord> b)
    {
        b.ToTable("policy_decisions");
        b.Property(d => d.Id).HasMaxLength(64);
        b.Property(d => d.Action).HasMaxLength(100);
        b.Property(d => d.Subject).HasMaxLength(300);
        b.Property(d => d.Actor).HasMaxLength(200);
        b.Property(d => d.BundleSha256).HasMaxLength(64);
        b.Property(d => d.RuleId).HasMaxLength(100);
        b.Property(d => d.Effect).HasMaxLength(32);
        b.Property(d => d.Reason).HasMaxLength(1000);
        b.Property(d => d.ApprovalId).HasMaxLength(64);
        // Listed newest first per tenant; the dry run re-reads the latest.
        b.HasIndex(d => new { d.TenantId, d.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<ApprovalRequestRecord> b)
    {
        b.ToTable("approval_requests");
        b.Property(a => a.Id).HasMaxLength(64);
        b.Property(a => a.Action).HasMaxLength(100);
        b.Property(a => a.Subject).HasMaxLength(300);
        b.Property(a => a.PayloadSha256).HasMaxLength(64);
        b.Property(a => a.Requester).HasMaxLength(200);
        // A concurrency token: of two calls deciding or using one request, one commits.
        b.Property(a => a.State).HasMaxLength(32).IsConcurrencyToken();
        b.Property(a => a.ApproverRole).HasMaxLength(32);
        b.Property(a => a.DecisionId).HasMaxLength(64);
        b.Property(a => a.Reason).HasMaxLength(1000);
        b.HasMany(a => a.Votes).WithOne().HasForeignKeyWithinTenant(v => v.ApprovalId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.TenantId, a.State, a.CreatedAt });
        b.HasIndex(a => new { a.TenantId, a.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<ApprovalVoteRecord> b)
    {
        b.ToTable("approval_votes");
        b.HasKey(v => new { v.ApprovalId, v.Approver });
        b.Property(v => v.ApprovalId).HasMaxLength(64);
        b.Property(v => v.Approver).HasMaxLength(200);
        b.Property(v => v.Comment).HasMaxLength(1000);
    }
}
