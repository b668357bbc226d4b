using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Feedback : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "feedback",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    participant_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    rating = table.Column<int>(type: "int", nullable: false),
                    sentiment = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    submitted_by = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    created_on = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback", x => x.id);
                    table.ForeignKey(
                        name: "FK_feedback_cohorts_cohort_id",
                        column: x => x.cohort_id,
                        principalTable: "cohorts",
                        principalColumn: "id");
                    table.ForeignKey(
                        name: "FK_feedback_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_feedback_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "feedback_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    feedback_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    participant_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    group_key = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_items", x => x.id);
                    table.ForeignKey(
                        name: "FK_feedback_items_feedback_feedback_id",
                        column: x => x.feedback_id,
                        principalTable: "feedback",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_feedback_items_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_cohort_id",
                table: "feedback",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_participant_id",
                table: "feedback",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_tenant_id_cohort_id_created_on_sentiment",
                table: "feedback",
                columns: new[] { "tenant_id", "cohort_id", "created_on", "sentiment" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_tenant_id_participant_id_id",
                table: "feedback",
                columns: new[] { "tenant_id", "participant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_feedback_id",
                table: "feedback_items",
                column: "feedback_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_tenant_id_cohort_id_kind_group_key",
                table: "feedback_items",
                columns: new[] { "tenant_id", "cohort_id", "kind", "group_key" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_items_tenant_id_feedback_id",
                table: "feedback_items",
                columns: new[] { "tenant_id", "feedback_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feedback_items");

            migrationBuilder.DropTable(
                name: "feedback");
        }
    }
}
