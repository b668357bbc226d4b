using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReceiptsSpeedPendingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_receipts_tenant_id_created_at_id",
                table: "receipts",
                columns: new[] { "tenant_id", "created_at", "id" },
                filter: "log_index IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_receipts_tenant_id_created_at_id",
                table: "receipts");
        }
    }
}
