using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SequencedReceiptsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_receipts_tenant_id_log_index",
                table: "receipts");

            migrationBuilder.CreateIndex(
                name: "IX_receipts_tenant_id_log_index",
                table: "receipts",
                columns: new[] { "tenant_id", "log_index" },
                unique: true,
                filter: "log_index IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_receipts_tenant_id_log_index",
                table: "receipts");

            migrationBuilder.CreateIndex(
                name: "IX_receipts_tenant_id_log_index",
                table: "receipts",
                columns: new[] { "tenant_id", "log_index" },
                unique: true);
        }
    }
}
