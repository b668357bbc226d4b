using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SentimentAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sentiment_alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    sequence = table.Column<int>(type: "int", nullable: false),
                    kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    negative = table.Column<int>(type: "int", nullable: false),
                    total = table.Column<int>(type: "int", nullable: false),
                    negative_share = table.Column<double>(type: "float", nullable: false),
                    window_days = table.Column<int>(type: "int", nullable: false),
                    message_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sentiment_alerts", x => x.id);
                    table.ForeignKey(
                        name: "FK_sentiment_alerts_cohorts_cohort_id",
                        column: x => x.cohort_id,
                        principalTable: "cohorts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_sentiment_alerts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sentiment_alerts_cohort_id",
                table: "sentiment_alerts",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_sentiment_alerts_tenant_id_cohort_id_sequence",
                table: "sentiment_alerts",
                columns: new[] { "tenant_id", "cohort_id", "sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sentiment_alerts");
        }
    }
}
