using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;
using Pilotdeck.Data.Backlog;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Data.Feedback;
using Pilotdeck.Data.Guardian;
using Pilotdeck.Data.Idempotency;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Imports;
using Pilotdeck.Data.Jobs;
using Pilotdeck.Data.Notifications;
using Pilotdeck.Data.Policy;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Retention;
using Pilotdeck.Data.Sessions;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data;

/// <summary>
/// The Pilotdeck model. Abstract because each database provider has a derived context that owns
/// its migrations set (see docs/adr/0002-persistence-providers.md); inject this type.
/// </summary>
public abstract class PilotdeckDbContext : DbContext
{
    /// <summary>Name of the query filter every <see cref="ITenantOwned"/> entity carries.</summary>
    public const string TenantFilter = "Tenant";

    private static readonly MethodInfo ConfigureTenantOwnedMethod =
        typeof(PilotdeckDbContext).GetMethod(nameof(ConfigureTenantOwned), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private static readonly ITenantContext Unbound = new TenantContext();

    private ITenantContext _tenant = Unbound;

    protected PilotdeckDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// The scope's tenant. Contexts are pooled, so this is set each time one is handed to a scope
    /// (see AddPilotdeckData); until then the context is unbound and sees no tenant-owned rows.
    /// </summary>
    internal ITenantContext Tenant
    {
        get => _tenant;
        set => _tenant = value;
    }

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<ApiClientRecord> ApiClients => Set<ApiClientRecord>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<GuardianAnalysisRecord> GuardianAnalyses => Set<GuardianAnalysisRecord>();
    public DbSet<JobRunRecord> JobRuns => Set<JobRunRecord>();
    public DbSet<ReceiptRecord> Receipts => Set<ReceiptRecord>();
    public DbSet<LogHashRecord> LogHashes => Set<LogHashRecord>();
    public DbSet<LogCheckpointRecord> LogCheckpoints => Set<LogCheckpointRecord>();
    public DbSet<LogKeyRecord> LogKeys => Set<LogKeyRecord>();
    public DbSet<PolicyBundleRecord> PolicyBundles => Set<PolicyBundleRecord>();
    public DbSet<PolicyDecisionRecord> PolicyDecisions => Set<PolicyDecisionRecord>();
    public DbSet<ApprovalRequestRecord> ApprovalRequests => Set<ApprovalRequestRecord>();
    public DbSet<ApprovalVoteRecord> ApprovalVotes => Set<ApprovalVoteRecord>();
    public DbSet<CohortRecord> Cohorts => Set<CohortRecord>();
    public DbSet<ParticipantRecord> Participants => Set<ParticipantRecord>();
    public DbSet<ParticipantStatusChangeRecord> ParticipantStatusChanges => Set<ParticipantStatusChangeRecord>();
    public DbSet<ParticipantNoteRecord> ParticipantNotes => Set<ParticipantNoteRecord>();
    public DbSet<FollowupTemplateRecord> FollowupTemplates => Set<FollowupTemplateRecord>();
    public DbSet<FeedbackRecord> Feedback => Set<FeedbackRecord>();
    public DbSet<FeedbackItemRecord> FeedbackItems => Set<FeedbackItemRecord>();
    public DbSet<SentimentAlertRecord> SentimentAlerts => Set<SentimentAlertRecord>();
    public DbSet<FeedbackReportRecord> FeedbackReports => Set<FeedbackReportRecord>();
    public DbSet<FeedbackCountRecord> FeedbackCounts => Set<FeedbackCountRecord>();
    public DbSet<BlockerCountRecord> BlockerCounts => Set<BlockerCountRecord>();
    public DbSet<BacklogItemRecord> BacklogItems => Set<BacklogItemRecord>();
    public DbSet<BacklogLinkRecord> BacklogLinks => Set<BacklogLinkRecord>();
    public DbSet<ChangelogEntryRecord> ChangelogEntries => Set<ChangelogEntryRecord>();
    public DbSet<NotificationChannelRecord> NotificationChannels => Set<NotificationChannelRecord>();
    public DbSet<OutboxMessageRecord> OutboxMessages => Set<OutboxMessageRecord>();
    public DbSet<ImportRecord> Imports => Set<ImportRecord>();
    public DbSet<ImportChunkRecord> ImportChunks => Set<ImportChunkRecord>();
    public DbSet<ImportRowRecord> ImportRows => Set<ImportRowRecord>();
    public DbSet<InstallationKeyRecord> InstallationKeys => Set<InstallationKeyRecord>();
    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();
    public DbSet<AttachmentRecord> Attachments => Set<AttachmentRecord>();
    public DbSet<RetentionWindowRecord> RetentionWindows => Set<RetentionWindowRecord>();
    public DbSet<BlobDeletionRecord> BlobDeletions => Set<BlobDeletionRecord>();

    // Read through the context on every query: EF turns context members used in a query filter
    // into parameters, so one cached model serves every tenant.
    private string? CurrentTenantId => _tenant.TenantId;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var identity = new IdentityModel();
        modelBuilder.ApplyConfiguration<Tenant>(identity);
        modelBuilder.ApplyConfiguration<User>(identity);
        modelBuilder.ApplyConfiguration<Membership>(identity);
        modelBuilder.ApplyConfiguration<ApiClientRecord>(identity);
        modelBuilder.ApplyConfiguration<SigningKey>(identity);

        // OpenIddict's applications, authorizations, scopes and tokens (ADR 0012), under our naming.
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("oidc_applications");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("oidc_authorizations");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("oidc_scopes");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("oidc_tokens");

        modelBuilder.Entity<IdempotencyRecord>(b =>
        {
            b.ToTable("idempotency_records");
            b.HasKey(r => new { r.TenantId, r.Method, r.RequestId });
            b.Property(r => r.Method).HasMaxLength(200);
            b.Property(r => r.RequestId).HasMaxLength(100);
            b.HasIndex(r => r.CreatedAt);
        });

        modelBuilder.Entity<GuardianAnalysisRecord>(b =>
        {
            b.ToTable("guardian_analyses");
            b.Property(a => a.Id).HasMaxLength(64);
            b.Property(a => a.ProjectName).HasMaxLength(200);
            b.Property(a => a.DbtVersion).HasMaxLength(64);
            // The history is listed newest first, for the tenant or for one of its projects.
            b.HasIndex(a => new { a.TenantId, a.CreatedAt });
            b.HasIndex(a => new { a.TenantId, a.ProjectName, a.CreatedAt });
        });

        modelBuilder.Entity<JobRunRecord>(b =>
        {
            b.ToTable("job_runs");
            b.HasKey(r => r.JobId);
            b.Property(r => r.JobId).HasMaxLength(64);
            b.Property(r => r.Name).HasMaxLength(JobRunRecord.MaxNameLength);
            b.Property(r => r.State).HasMaxLength(32);
            b.Property(r => r.Detail).HasMaxLength(JobRunRecord.MaxDetailLength);
            // Listed newest first per tenant.
            b.HasIndex(r => new { r.TenantId, r.CreatedAt });
        });

        var receipts = new ReceiptsModel();
        modelBuilder.ApplyConfiguration<ReceiptRecord>(receipts);
        modelBuilder.ApplyConfiguration<LogHashRecord>(receipts);
        modelBuilder.ApplyConfiguration<LogCheckpointRecord>(receipts);
        modelBuilder.ApplyConfiguration<LogKeyRecord>(receipts);

        var policy = new PolicyModel();
        modelBuilder.ApplyConfiguration<PolicyBundleRecord>(policy);
        modelBuilder.ApplyConfiguration<PolicyDecisionRecord>(policy);
        modelBuilder.ApplyConfiguration<ApprovalRequestRecord>(policy);
        modelBuilder.ApplyConfiguration<ApprovalVoteRecord>(policy);

        var cohorts = new CohortsModel();
        modelBuilder.ApplyConfiguration<CohortRecord>(cohorts);
        modelBuilder.ApplyConfiguration<ParticipantRecord>(cohorts);
        modelBuilder.ApplyConfiguration<ParticipantStatusChangeRecord>(cohorts);
        modelBuilder.ApplyConfiguration<ParticipantNoteRecord>(cohorts);
        modelBuilder.ApplyConfiguration<FollowupTemplateRecord>(cohorts);

        var feedback = new FeedbackModel();
        modelBuilder.ApplyConfiguration<FeedbackRecord>(feedback);
        modelBuilder.ApplyConfiguration<FeedbackItemRecord>(feedback);
        modelBuilder.ApplyConfiguration<SentimentAlertRecord>(feedback);
        modelBuilder.ApplyConfiguration<FeedbackReportRecord>(feedback);
        modelBuilder.ApplyConfiguration<FeedbackCountRecord>(feedback);
        modelBuilder.ApplyConfiguration<BlockerCountRecord>(feedback);

        var backlog = new BacklogModel();
        modelBuilder.ApplyConfiguration<BacklogItemRecord>(backlog);
        modelBuilder.ApplyConfiguration<BacklogLinkRecord>(backlog);
        modelBuilder.ApplyConfiguration<ChangelogEntryRecord>(backlog);

        var notifications = new NotificationModel();
        modelBuilder.ApplyConfiguration<NotificationChannelRecord>(notifications);
        modelBuilder.ApplyConfiguration<OutboxMessageRecord>(notifications);
        var imports = new ImportsModel();
        modelBuilder.ApplyConfiguration<ImportRecord>(imports);
        modelBuilder.ApplyConfiguration<ImportChunkRecord>(imports);
        modelBuilder.ApplyConfiguration<ImportRowRecord>(imports);
        modelBuilder.ApplyConfiguration<InstallationKeyRecord>(imports);
        var sessions = new SessionsModel();
        modelBuilder.ApplyConfiguration<SessionRecord>(sessions);
        modelBuilder.ApplyConfiguration<AttachmentRecord>(sessions);
        var retention = new RetentionModel();
        modelBuilder.ApplyConfiguration<RetentionWindowRecord>(retention);
        modelBuilder.ApplyConfiguration<BlobDeletionRecord>(retention);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes().Where(t => typeof(ITenantOwned).IsAssignableFrom(t.ClrType)).ToList())
        {
            ConfigureTenantOwnedMethod.MakeGenericMethod(entityType.ClrType).Invoke(this, [modelBuilder]);
        }

        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entityType.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    // Generic so the filter is a typed lambda over this context, which EF re-evaluates per query.
    private void ConfigureTenantOwned<T>(ModelBuilder modelBuilder)
        where T : class, ITenantOwned
    {
        modelBuilder.Entity<T>(b =>
        {
            b.HasQueryFilter(TenantFilter, e => e.TenantId == CurrentTenantId);
            b.Property(e => e.TenantId).HasMaxLength(64);
            // Makes every UPDATE/DELETE also match the tenant, so a row addressed by key that belongs
            // to another tenant is not touched: it fails exactly like a row that does not exist.
            b.Property(e => e.TenantId).IsConcurrencyToken();
            // A row that names its parent within the tenant reaches the tenants table through it.
            if (!b.HasParentWithinTenant())
            {
                b.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
            }
        });
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardTenantWrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardTenantWrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void GuardTenantWrites()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            var entityName = entry.Metadata.ClrType.Name;
            var tenant = CurrentTenantId
                ?? throw new TenantIsolationException($"Cannot save {entityName}: no tenant is bound to this scope.");
            var tenantId = entry.Property(e => e.TenantId);

            if (entry.State == EntityState.Added && string.IsNullOrEmpty(tenantId.CurrentValue))
            {
                tenantId.CurrentValue = tenant;
                continue;
            }

            var original = entry.State == EntityState.Added ? tenantId.CurrentValue : tenantId.OriginalValue;
            if (tenantId.CurrentValue != tenant || original != tenant)
            {
                throw new TenantIsolationException(
                    $"Cannot save {entityName} of tenant '{original}' as '{tenantId.CurrentValue}' while bound to tenant '{tenant}'.");
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
