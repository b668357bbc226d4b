using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pilotdeck.Data.Migrations.Sqlite;

// Timestamps are INTEGER: SqlitePilotdeckDbContext stores DateTimeOffset as its binary (tick) form.
[DbContext(typeof(SqlitePilotdeckDbContext))]
[Migration("2026112101_Initial")]
internal sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "signing_keys",
            columns: table => new
            {
                id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                algorithm = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                private_key = table.Column<byte[]>(type: "BLOB", nullable: false),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_signing_keys", x => x.id));

        migrationBuilder.CreateTable(
            name: "tenants",
            columns: table => new
            {
                id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_tenants", x => x.id));

        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                normalized_email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                password_hash = table.Column<string>(type: "TEXT", nullable: false),
                access_failed_count = table.Column<int>(type: "INTEGER", nullable: false),
                lockout_end = table.Column<long>(type: "INTEGER", nullable: true),
                disabled = table.Column<bool>(type: "INTEGER", nullable: false),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_users", x => x.id));

        migrationBuilder.CreateTable(
            name: "api_clients",
            columns: table => new
            {
                client_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                secret_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                scopes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                expires_at = table.Column<long>(type: "INTEGER", nullable: true),
                revoked_at = table.Column<long>(type: "INTEGER", nullable: true),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
                secret_rotated_at = table.Column<long>(type: "INTEGER", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_api_clients", x => x.client_id);
                table.ForeignKey("FK_api_clients_tenants_tenant_id", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "idempotency_records",
            columns: table => new
            {
                tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                method = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                request_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                request_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                response = table.Column<byte[]>(type: "BLOB", nullable: false),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_idempotency_records", x => new { x.tenant_id, x.method, x.request_id });
                table.ForeignKey("FK_idempotency_records_tenants_tenant_id", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "memberships",
            columns: table => new
            {
                tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                user_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_memberships", x => new { x.tenant_id, x.user_id });
                table.ForeignKey("FK_memberships_tenants_tenant_id", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_memberships_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "refresh_tokens",
            columns: table => new
            {
                id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                user_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                family_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                token_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
                expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                consumed_at = table.Column<long>(type: "INTEGER", nullable: true),
                revoked_at = table.Column<long>(type: "INTEGER", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_refresh_tokens", x => x.id);
                table.ForeignKey("FK_refresh_tokens_tenants_tenant_id", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_refresh_tokens_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_api_clients_tenant_id", "api_clients", "tenant_id");
        migrationBuilder.CreateIndex("IX_idempotency_records_created_at", "idempotency_records", "created_at");
        migrationBuilder.CreateIndex("IX_memberships_user_id", "memberships", "user_id");
        migrationBuilder.CreateIndex("IX_refresh_tokens_family_id", "refresh_tokens", "family_id");
        migrationBuilder.CreateIndex("IX_refresh_tokens_tenant_id", "refresh_tokens", "tenant_id");
        migrationBuilder.CreateIndex("IX_refresh_tokens_token_hash", "refresh_tokens", "token_hash", unique: true);
        migrationBuilder.CreateIndex("IX_refresh_tokens_user_id", "refresh_tokens", "user_id");
        migrationBuilder.CreateIndex("IX_users_normalized_email", "users", "normalized_email", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("api_clients");
        migrationBuilder.DropTable("idempotency_records");
        migrationBuilder.DropTable("memberships");
        migrationBuilder.DropTable("refresh_tokens");
        migrationBuilder.DropTable("signing_keys");
        migrationBuilder.DropTable("tenants");
        migrationBuilder.DropTable("users");
    }
}
