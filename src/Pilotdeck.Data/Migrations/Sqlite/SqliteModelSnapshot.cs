using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Pilotdeck.Data.Migrations.Sqlite;

// The model as of the newest migration, which EF diffs against the live model to detect pending
// changes. Hand-maintained (no design-time tool here): extend it with every new migration.
[DbContext(typeof(SqlitePilotdeckDbContext))]
internal sealed class SqliteModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder.HasAnnotation("ProductVersion", "10.0.14");

        modelBuilder.Entity("Pilotdeck.Data.Tenancy.Tenant", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("id");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("TEXT").HasColumnName("name");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.HasKey("Id");
            b.ToTable("tenants");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.User", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("id");
            b.Property<string>("Email").IsRequired().HasMaxLength(320).HasColumnType("TEXT").HasColumnName("email");
            b.Property<string>("NormalizedEmail").IsRequired().HasMaxLength(320).HasColumnType("TEXT").HasColumnName("normalized_email");
            b.Property<string>("PasswordHash").IsRequired().HasColumnType("TEXT").HasColumnName("password_hash");
            b.Property<int>("AccessFailedCount").HasColumnType("INTEGER").HasColumnName("access_failed_count");
            b.Property<long?>("LockoutEnd").HasColumnType("INTEGER").HasColumnName("lockout_end");
            b.Property<bool>("Disabled").HasColumnType("INTEGER").HasColumnName("disabled");
            b.Property<bool>("InstallationOperator").ValueGeneratedOnAdd().HasDefaultValue(false).HasColumnType("INTEGER").HasColumnName("installation_operator");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.HasKey("Id");
            b.HasIndex("NormalizedEmail").IsUnique();
            b.ToTable("users");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.Membership", b =>
        {
            b.Property<string>("TenantId").IsConcurrencyToken().HasMaxLength(64).HasColumnType("TEXT").HasColumnName("tenant_id");
            b.Property<string>("UserId").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("user_id");
            b.Property<string>("Role").IsRequired().HasMaxLength(32).HasColumnType("TEXT").HasColumnName("role");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.HasKey("TenantId", "UserId");
            b.HasIndex("UserId");
            b.ToTable("memberships");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.ApiClient", b =>
        {
            b.Property<string>("ClientId").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("client_id");
            b.Property<string>("TenantId").IsRequired().IsConcurrencyToken().HasMaxLength(64).HasColumnType("TEXT").HasColumnName("tenant_id");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("TEXT").HasColumnName("name");
            b.Property<byte[]>("SecretHash").IsRequired().HasColumnType("BLOB").HasColumnName("secret_hash");
            b.Property<string>("Scopes").IsRequired().HasMaxLength(2000).HasColumnType("TEXT").HasColumnName("scopes");
            b.Property<long?>("ExpiresAt").HasColumnType("INTEGER").HasColumnName("expires_at");
            b.Property<long?>("RevokedAt").HasColumnType("INTEGER").HasColumnName("revoked_at");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.Property<long?>("SecretRotatedAt").HasColumnType("INTEGER").HasColumnName("secret_rotated_at");
            b.HasKey("ClientId");
            b.HasIndex("TenantId");
            b.ToTable("api_clients");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.SigningKey", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("id");
            b.Property<string>("Algorithm").IsRequired().HasMaxLength(16).HasColumnType("TEXT").HasColumnName("algorithm");
            b.Property<byte[]>("PrivateKey").IsRequired().HasColumnType("BLOB").HasColumnName("private_key");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.HasKey("Id");
            b.ToTable("signing_keys");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.RefreshToken", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("id");
            b.Property<string>("TenantId").IsRequired().IsConcurrencyToken().HasMaxLength(64).HasColumnType("TEXT").HasColumnName("tenant_id");
            b.Property<string>("UserId").IsRequired().HasMaxLength(64).HasColumnType("TEXT").HasColumnName("user_id");
            b.Property<string>("FamilyId").IsRequired().HasMaxLength(64).HasColumnType("TEXT").HasColumnName("family_id");
            b.Property<byte[]>("TokenHash").IsRequired().HasColumnType("BLOB").HasColumnName("token_hash");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.Property<long>("ExpiresAt").HasColumnType("INTEGER").HasColumnName("expires_at");
            b.Property<long?>("ConsumedAt").HasColumnType("INTEGER").HasColumnName("consumed_at");
            b.Property<long?>("RevokedAt").HasColumnType("INTEGER").HasColumnName("revoked_at");
            b.HasKey("Id");
            b.HasIndex("FamilyId");
            b.HasIndex("TenantId");
            b.HasIndex("TokenHash").IsUnique();
            b.HasIndex("UserId");
            b.ToTable("refresh_tokens");
        });

        modelBuilder.Entity("Pilotdeck.Data.Idempotency.IdempotencyRecord", b =>
        {
            b.Property<string>("TenantId").IsConcurrencyToken().HasMaxLength(64).HasColumnType("TEXT").HasColumnName("tenant_id");
            b.Property<string>("Method").HasMaxLength(200).HasColumnType("TEXT").HasColumnName("method");
            b.Property<string>("RequestId").HasMaxLength(100).HasColumnType("TEXT").HasColumnName("request_id");
            b.Property<byte[]>("RequestHash").IsRequired().HasColumnType("BLOB").HasColumnName("request_hash");
            b.Property<byte[]>("Response").IsRequired().HasColumnType("BLOB").HasColumnName("response");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.HasKey("TenantId", "Method", "RequestId");
            b.HasIndex("CreatedAt");
            b.ToTable("idempotency_records");
        });

        modelBuilder.Entity("Pilotdeck.Data.Guardian.GuardianAnalysis", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("id");
            b.Property<string>("TenantId").IsRequired().IsConcurrencyToken().HasMaxLength(64).HasColumnType("TEXT").HasColumnName("tenant_id");
            b.Property<string>("ProjectName").IsRequired().HasMaxLength(200).HasColumnType("TEXT").HasColumnName("project_name");
            b.Property<long>("CreatedAt").HasColumnType("INTEGER").HasColumnName("created_at");
            b.Property<string>("DbtVersion").HasMaxLength(64).HasColumnType("TEXT").HasColumnName("dbt_version");
            b.Property<int>("PriorityThreshold").HasColumnType("INTEGER").HasColumnName("priority_threshold");
            b.Property<int>("ColumnsCovered").HasColumnType("INTEGER").HasColumnName("columns_covered");
            b.Property<int>("ColumnsTotal").HasColumnType("INTEGER").HasColumnName("columns_total");
            b.Property<double>("ColumnCoveragePercent").HasColumnType("REAL").HasColumnName("column_coverage_percent");
            b.Property<int>("ModelsCovered").HasColumnType("INTEGER").HasColumnName("models_covered");
            b.Property<int>("ModelsTotal").HasColumnType("INTEGER").HasColumnName("models_total");
            b.Property<double>("ModelCoveragePercent").HasColumnType("REAL").HasColumnName("model_coverage_percent");
            b.Property<int>("PrimaryKeysCovered").HasColumnType("INTEGER").HasColumnName("primary_keys_covered");
            b.Property<int>("PrimaryKeysTotal").HasColumnType("INTEGER").HasColumnName("primary_keys_total");
            b.Property<double>("PrimaryKeyCoveragePercent").HasColumnType("REAL").HasColumnName("primary_key_coverage_percent");
            b.Property<int>("UnitTestsCovered").HasColumnType("INTEGER").HasColumnName("unit_tests_covered");
            b.Property<int>("UnitTestsTotal").HasColumnType("INTEGER").HasColumnName("unit_tests_total");
            b.Property<double>("UnitTestCoveragePercent").HasColumnType("REAL").HasColumnName("unit_test_coverage_percent");
            b.Property<int>("GapCount").HasColumnType("INTEGER").HasColumnName("gap_count");
            b.Property<byte[]>("ResultJson").IsRequired().HasColumnType("BLOB").HasColumnName("result_json");
            b.Property<byte[]>("Suggestions").IsRequired().HasColumnType("BLOB").HasColumnName("suggestions");
            b.HasKey("Id");
            b.HasIndex("TenantId", "CreatedAt");
            b.HasIndex("TenantId", "ProjectName", "CreatedAt");
            b.ToTable("guardian_analyses");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.Membership", b =>
        {
            b.HasOne("Pilotdeck.Data.Tenancy.Tenant", null).WithMany().HasForeignKey("TenantId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("Pilotdeck.Data.Identity.User", null).WithMany().HasForeignKey("UserId").OnDelete(DeleteBehavior.Cascade).IsRequired();
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.ApiClient", b =>
        {
            b.HasOne("Pilotdeck.Data.Tenancy.Tenant", null).WithMany().HasForeignKey("TenantId").OnDelete(DeleteBehavior.Cascade).IsRequired();
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.RefreshToken", b =>
        {
            b.HasOne("Pilotdeck.Data.Tenancy.Tenant", null).WithMany().HasForeignKey("TenantId").OnDelete(DeleteBehavior.Cascade).IsRequired();
            b.HasOne("Pilotdeck.Data.Identity.User", null).WithMany().HasForeignKey("UserId").OnDelete(DeleteBehavior.Cascade).IsRequired();
        });

        modelBuilder.Entity("Pilotdeck.Data.Idempotency.IdempotencyRecord", b =>
        {
            b.HasOne("Pilotdeck.Data.Tenancy.Tenant", null).WithMany().HasForeignKey("TenantId").OnDelete(DeleteBehavior.Cascade).IsRequired();
        });

        modelBuilder.Entity("Pilotdeck.Data.Guardian.GuardianAnalysis", b =>
        {
            b.HasOne("Pilotdeck.Data.Tenancy.Tenant", null).WithMany().HasForeignKey("TenantId").OnDelete(DeleteBehavior.Cascade).IsRequired();
        });
    }
}
