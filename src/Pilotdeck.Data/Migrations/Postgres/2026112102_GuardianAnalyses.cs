using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pilotdeck.Data.Migrations.Postgres;

// Stored dbt Guardian analyses: headline figures as columns for the history, the full result and
// the schema.yml suggestions as compressed blobs.
[DbContext(typeof(PostgresPilotdeckDbContext))]
[Migration("2026112102_GuardianAnalyses")]
internal sealed class GuardianAnalyses : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "guardian_analyses",
            columns: table => new
            {
                id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                project_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                dbt_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                priority_threshold = table.Column<int>(type: "integer", nullable: false),
                columns_covered = table.Column<int>(type: "integer", nullable: false),
                columns_total = table.Column<int>(type: "integer", nullable: false),
                column_coverage_percent = table.Column<double>(type: "double precision", nullable: false),
                models_covered = table.Column<int>(type: "integer", nullable: false),
                models_total = table.Column<int>(type: "integer", nullable: false),
                model_coverage_percent = table.Column<double>(type: "double precision", nullable: false),
                primary_keys_covered = table.Column<int>(type: "integer", nullable: false),
                primary_keys_total = table.Column<int>(type: "integer", nullable: false),
                primary_key_coverage_percent = table.Column<double>(type: "double precision", nullable: false),
                unit_tests_covered = table.Column<int>(type: "integer", nullable: false),
                unit_tests_total = table.Column<int>(type: "integer", nullable: false),
                unit_test_coverage_percent = table.Column<double>(type: "double precision", nullable: false),
                gap_count = table.Column<int>(type: "integer", nullable: false),
                result_json = table.Column<byte[]>(type: "bytea", nullable: false),
                suggestions = table.Column<byte[]>(type: "bytea", nullable: false),
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
