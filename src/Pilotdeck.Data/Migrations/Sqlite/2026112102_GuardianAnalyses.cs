using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pilotdeck.Data.Migrations.Sqlite;

// Stored dbt Guardian analyses: headline figures as columns for the history, the full result and
// the schema.yml suggestions as compressed blobs.
[DbContext(typeof(SqlitePilotdeckDbContext))]
[Migration("2026112102_GuardianAnalyses")]
internal sealed class GuardianAnalyses : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "guardian_analyses",
            columns: table => new
            {
                id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                project_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                created_at = table.Column<long>(type: "INTEGER", nullable: false),
                dbt_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                priority_threshold = table.Column<int>(type: "INTEGER", nullable: false),
                columns_covered = table.Column<int>(type: "INTEGER", nullable: false),
                columns_total = table.Column<int>(type: "INTEGER", nullable: false),
                column_coverage_percent = table.Column<double>(type: "REAL", nullable: false),
                models_covered = table.Column<int>(type: "INTEGER", nullable: false),
                models_total = table.Column<int>(type: "INTEGER", nullable: false),
                model_coverage_percent = table.Column<double>(type: "REAL", nullable: false),
                primary_keys_covered = table.Column<int>(type: "INTEGER", nullable: false),
                primary_keys_total = table.Column<int>(type: "INTEGER", nullable: false),
                primary_key_coverage_percent = table.Column<double>(type: "REAL", nullable: false),
                unit_tests_covered = table.Column<int>(type: "INTEGER", nullable: false),
                unit_tests_total = table.Column<int>(type: "INTEGER", nullable: false),
                unit_test_coverage_percent = table.Column<double>(type: "REAL", nullable: false),
                gap_count = table.Column<int>(type: "INTEGER", nullable: false),
                result_json = table.Column<byte[]>(type: "BLOB", nullable: false),
                suggestions = table.Column<byte[]>(type: "BLOB", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_guardian_analyses", x => x.id);
                table.ForeignKey("FK_guardian_analyses_tenants_tenant_id", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_guardian_analyses_tenant_id_created_at", "guardian_analyses", ["tenant_id", "created_at"]);
        migrationBuilder.CreateIndex("IX_guardian_analyses_tenant_id_project_name_created_at", "guardian_analyses", ["tenant_id", "project_name", "created_at"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("guardian_analyses");
    }
}
