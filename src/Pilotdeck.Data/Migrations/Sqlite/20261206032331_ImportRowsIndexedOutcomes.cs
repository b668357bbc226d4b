using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ImportRowsIndexedOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_import_rows_tenant_id_import_id_outcome_row_number",
                table: "import_rows");

            migrationBuilder.CreateIndex(
                name: "IX_import_rows_rejected",
                table: "import_rows",
                columns: new[] { "tenant_id", "import_id", "row_number" },
                filter: "outcome = 'rejected'");

            migrationBuilder.CreateIndex(
                name: "IX_import_rows_updated",
                table: "import_rows",
                columns: new[] { "tenant_id", "import_id", "row_number" },
                filter: "outcome = 'updated'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_import_rows_rejected",
                table: "import_rows");

            migrationBuilder.DropIndex(
                name: "IX_import_rows_updated",
                table: "import_rows");

            migrationBuilder.CreateIndex(
                name: "IX_import_rows_tenant_id_import_id_outcome_row_number",
                table: "import_rows",
                columns: new[] { "tenant_id", "import_id", "outcome", "row_number" });
        }
    }
}
