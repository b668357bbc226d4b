using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TenantScopedKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddUniqueConstraint(
                name: "AK_uat_sessions_tenant_id_id",
                table: "uat_sessions",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.AddUniqueConstraint(
                name: "AK_participants_tenant_id_id",
                table: "participants",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.AddUniqueConstraint(
                name: "AK_imports_tenant_id_id",
                table: "imports",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.AddUniqueConstraint(
                name: "AK_feedback_tenant_id_id",
                table: "feedback",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.AddUniqueConstraint(
                name: "AK_cohorts_tenant_id_id",
                table: "cohorts",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.AddUniqueConstraint(
                name: "AK_backlog_items_tenant_id_id",
                table: "backlog_items",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.AddUniqueConstraint(
                name: "AK_approval_requests_tenant_id_id",
                table: "approval_requests",
                columns: new[] { "tenant_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropUniqueConstraint(
                name: "AK_uat_sessions_tenant_id_id",
                table: "uat_sessions");

            migrationBuilder.DropUniqueConstraint(
                name: "AK_participants_tenant_id_id",
                table: "participants");

            migrationBuilder.DropUniqueConstraint(
                name: "AK_imports_tenant_id_id",
                table: "imports");

            migrationBuilder.DropUniqueConstraint(
                name: "AK_feedback_tenant_id_id",
                table: "feedback");

            migrationBuilder.DropUniqueConstraint(
                name: "AK_cohorts_tenant_id_id",
                table: "cohorts");

            migrationBuilder.DropUniqueConstraint(
                name: "AK_backlog_items_tenant_id_id",
                table: "backlog_items");

            migrationBuilder.DropUniqueConstraint(
                name: "AK_approval_requests_tenant_id_id",
                table: "approval_requests");
        }
    }
}
