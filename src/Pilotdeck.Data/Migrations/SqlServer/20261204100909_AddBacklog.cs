using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddBacklog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "backlog_items",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    title = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    state = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    owner = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    target_release = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    blocker_key = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    merged_into = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    shipped_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    announced_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_backlog_items", x => x.id);
                    table.ForeignKey(
                        name: "FK_backlog_items_cohorts_cohort_id",
                        column: x => x.cohort_id,
                        principalTable: "cohorts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_backlog_items_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "backlog_links",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    item_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    target_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_backlog_links", x => x.id);
                    table.ForeignKey(
                        name: "FK_backlog_links_backlog_items_item_id",
                        column: x => x.item_id,
                        principalTable: "backlog_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_backlog_links_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "changelog_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    item_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    release = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    shipped_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_changelog_entries", x => x.id);
                    table.ForeignKey(
                        name: "FK_changelog_entries_backlog_items_item_id",
                        column: x => x.item_id,
                        principalTable: "backlog_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_changelog_entries_cohorts_cohort_id",
                        column: x => x.cohort_id,
                        principalTable: "cohorts",
                        principalColumn: "id");
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_changelog_entries_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateIndex(
                name: "IX_backlog_items_cohort_id",
                table: "backlog_items",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_backlog_items_tenant_id_cohort_id_blocker_key",
                table: "backlog_items",
                columns: new[] { "tenant_id", "cohort_id", "blocker_key" },
                unique: true,
                filter: "[blocker_key] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_backlog_items_tenant_id_cohort_id_id",
                table: "backlog_items",
                columns: new[] { "tenant_id", "cohort_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_backlog_links_item_id",
                table: "backlog_links",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "IX_backlog_links_tenant_id_item_id_kind_target_id",
                table: "backlog_links",
                columns: new[] { "tenant_id", "item_id", "kind", "target_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_backlog_links_tenant_id_target_id",
                table: "backlog_links",
                columns: new[] { "tenant_id", "target_id" });

            migrationBuilder.CreateIndex(
                name: "IX_changelog_entries_cohort_id",
                table: "changelog_entries",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_changelog_entries_item_id",
                table: "changelog_entries",
                column: "item_id");

            migrationBuilder.CreateIndex(
                name: "IX_changelog_entries_tenant_id_item_id",
                table: "changelog_entries",
                columns: new[] { "tenant_id", "item_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_changelog_entries_tenant_id_release_id",
                table: "changelog_entries",
                columns: new[] { "tenant_id", "release", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "backlog_links");

            migrationBuilder.DropTable(
                name: "changelog_entries");

            migrationBuilder.DropTable(
                name: "backlog_items");
        }
    }
}
