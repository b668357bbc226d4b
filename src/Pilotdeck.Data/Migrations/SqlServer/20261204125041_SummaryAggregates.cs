using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SummaryAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "feedback_blocker_counts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    group_key = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    reports = table.Column<int>(type: "int", nullable: false),
                    participants = table.Column<int>(type: "int", nullable: false),
                    wording = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_blocker_counts", x => x.id);
                    table.ForeignKey(
                        name: "FK_feedback_blocker_counts_cohorts_cohort_id",
                        column: x => x.cohort_id,
                        principalTable: "cohorts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_feedback_blocker_counts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "feedback_counts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    sentiment = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    rating = table.Column<int>(type: "int", nullable: false),
                    total = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_counts", x => x.id);
                    table.ForeignKey(
                        name: "FK_feedback_counts_cohorts_cohort_id",
                        column: x => x.cohort_id,
                        principalTable: "cohorts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_feedback_counts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_blocker_counts_cohort_id",
                table: "feedback_blocker_counts",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_blocker_counts_tenant_id_cohort_id_group_key",
                table: "feedback_blocker_counts",
                columns: new[] { "tenant_id", "cohort_id", "group_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_feedback_counts_cohort_id",
                table: "feedback_counts",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_counts_tenant_id_cohort_id_day_sentiment_rating",
                table: "feedback_counts",
                columns: new[] { "tenant_id", "cohort_id", "day", "sentiment", "rating" },
                unique: true);

            foreach (var statement in SummaryAggregatesBackfill.Statements(name => $"[{name}]"))
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feedback_blocker_counts");

            migrationBuilder.DropTable(
                name: "feedback_counts");
        }
    }
}
