using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Pilotdeck.Data.Migrations.Postgres;

// The model as of the newest migration, which EF diffs against the live model to detect pending
// changes. Hand-maintained (no design-time tool here): extend it with every new migration.
[DbContext(typeof(PostgresPilotdeckDbContext))]
internal sealed class PostgresModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder
            .HasAnnotation("ProductVersion", "10.0.14")
            .HasAnnotation("Relational:MaxIdentifierLength", 63);
        NpgsqlModelBuilderExtensions.UseIdentityByDefaultColumns(modelBuilder);

        modelBuilder.Entity("Pilotdeck.Data.Tenancy.Tenant", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("id");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("character varying(200)").HasColumnName("name");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.HasKey("Id");
            b.ToTable("tenants");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.User", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("id");
            b.Property<string>("Email").IsRequired().HasMaxLength(320).HasColumnType("character varying(320)").HasColumnName("email");
            b.Property<string>("NormalizedEmail").IsRequired().HasMaxLength(320).HasColumnType("character varying(320)").HasColumnName("normalized_email");
            b.Property<string>("PasswordHash").IsRequired().HasColumnType("text").HasColumnName("password_hash");
            b.Property<int>("AccessFailedCount").HasColumnType("integer").HasColumnName("access_failed_count");
            b.Property<DateTimeOffset?>("LockoutEnd").HasColumnType("timestamp with time zone").HasColumnName("lockout_end");
            b.Property<bool>("Disabled").HasColumnType("boolean").HasColumnName("disabled");
            b.Property<bool>("InstallationOperator").ValueGeneratedOnAdd().HasDefaultValue(false).HasColumnType("boolean").HasColumnName("installation_operator");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.HasKey("Id");
            b.HasIndex("NormalizedEmail").IsUnique();
            b.ToTable("users");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.Membership", b =>
        {
            b.Property<string>("TenantId").IsConcurrencyToken().HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("tenant_id");
            b.Property<string>("UserId").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("user_id");
            b.Property<string>("Role").IsRequired().HasMaxLength(32).HasColumnType("character varying(32)").HasColumnName("role");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.HasKey("TenantId", "UserId");
            b.HasIndex("UserId");
            b.ToTable("memberships");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.ApiClient", b =>
        {
            b.Property<string>("ClientId").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("client_id");
            b.Property<string>("TenantId").IsRequired().IsConcurrencyToken().HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("tenant_id");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnType("character varying(200)").HasColumnName("name");
            b.Property<byte[]>("SecretHash").IsRequired().HasColumnType("bytea").HasColumnName("secret_hash");
            b.Property<string>("Scopes").IsRequired().HasMaxLength(2000).HasColumnType("character varying(2000)").HasColumnName("scopes");
            b.Property<DateTimeOffset?>("ExpiresAt").HasColumnType("timestamp with time zone").HasColumnName("expires_at");
            b.Property<DateTimeOffset?>("RevokedAt").HasColumnType("timestamp with time zone").HasColumnName("revoked_at");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.Property<DateTimeOffset?>("SecretRotatedAt").HasColumnType("timestamp with time zone").HasColumnName("secret_rotated_at");
            b.HasKey("ClientId");
            b.HasIndex("TenantId");
            b.ToTable("api_clients");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.SigningKey", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("id");
            b.Property<string>("Algorithm").IsRequired().HasMaxLength(16).HasColumnType("character varying(16)").HasColumnName("algorithm");
            b.Property<byte[]>("PrivateKey").IsRequired().HasColumnType("bytea").HasColumnName("private_key");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.HasKey("Id");
            b.ToTable("signing_keys");
        });

        modelBuilder.Entity("Pilotdeck.Data.Identity.RefreshToken", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("id");
            b.Property<string>("TenantId").IsRequired().IsConcurrencyToken().HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("tenant_id");
            b.Property<string>("UserId").IsRequired().HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("user_id");
            b.Property<string>("FamilyId").IsRequired().HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("family_id");
            b.Property<byte[]>("TokenHash").IsRequired().HasColumnType("bytea").HasColumnName("token_hash");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.Property<DateTimeOffset>("ExpiresAt").HasColumnType("timestamp with time zone").HasColumnName("expires_at");
            b.Property<DateTimeOffset?>("ConsumedAt").HasColumnType("timestamp with time zone").HasColumnName("consumed_at");
            b.Property<DateTimeOffset?>("RevokedAt").HasColumnType("timestamp with time zone").HasColumnName("revoked_at");
            b.HasKey("Id");
            b.HasIndex("FamilyId");
            b.HasIndex("TenantId");
            b.HasIndex("TokenHash").IsUnique();
            b.HasIndex("UserId");
            b.ToTable("refresh_tokens");
        });

        modelBuilder.Entity("Pilotdeck.Data.Idempotency.IdempotencyRecord", b =>
        {
            b.Property<string>("TenantId").IsConcurrencyToken().HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("tenant_id");
            b.Property<string>("Method").HasMaxLength(200).HasColumnType("character varying(200)").HasColumnName("method");
            b.Property<string>("RequestId").HasMaxLength(100).HasColumnType("character varying(100)").HasColumnName("request_id");
            b.Property<byte[]>("RequestHash").IsRequired().HasColumnType("bytea").HasColumnName("request_hash");
            b.Property<byte[]>("Response").IsRequired().HasColumnType("bytea").HasColumnName("response");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.HasKey("TenantId", "Method", "RequestId");
            b.HasIndex("CreatedAt");
            b.ToTable("idempotency_records");
        });

        modelBuilder.Entity("Pilotdeck.Data.Guardian.GuardianAnalysis", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("id");
            b.Property<string>("TenantId").IsRequired().IsConcurrencyToken().HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("tenant_id");
            b.Property<string>("ProjectName").IsRequired().HasMaxLength(200).HasColumnType("character varying(200)").HasColumnName("project_name");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnType("timestamp with time zone").HasColumnName("created_at");
            b.Property<string>("DbtVersion").HasMaxLength(64).HasColumnType("character varying(64)").HasColumnName("dbt_version");
            b.Property<int>("PriorityThreshold").HasColumnType("integer").HasColumnName("priority_threshold");
            b.Property<int>("ColumnsCovered").HasColumnType("integer").HasColumnName("columns_covered");
            b.Property<int>("ColumnsTotal").HasColumnType("integer").HasColumnName("columns_total");
            b.Property<double>("ColumnCoveragePercent").HasColumnType("double precision").HasColumnName("column_coverage_percent");
            b.Property<int>("ModelsCovered").HasColumnType("integer").HasColumnName("models_covered");
            b.Property<int>("ModelsTotal").HasColumnType("integer").HasColumnName("models_total");
            b.Property<double>("ModelCoveragePercent").HasColumnType("double precision").HasColumnName("model_coverage_percent");
            b.Property<int>("PrimaryKeysCovered").HasColumnType("integer").HasColumnName("primary_keys_covered");
            b.Property<int>("PrimaryKeysTotal").HasColumnType("integer").HasColumnName("primary_keys_total");
            b.Property<double>("PrimaryKeyCoveragePercent").HasColumnType("double precision").HasColumnName("primary_key_coverage_percent");
            b.Property<int>("UnitTestsCovered").HasColumnType("integer").HasColumnName("unit_tests_covered");
            b.Property<int>("UnitTestsTotal").HasColumnType("integer").HasColumnName("unit_tests_total");
            b.Property<double>("UnitTestCoveragePercent").HasColumnType("double precision").HasColumnName("unit_test_coverage_percent");
            b.Property<int>("GapCount").HasColumnType("integer").HasColumnName("gap_count");
            b.Property<byte[]>("ResultJson").IsRequired().HasColumnType("bytea").HasColumnName("result_json");
            b.Property<byte[]>("Suggestions").IsRequired().HasColumnType("bytea").HasColumnName("suggestions");
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
