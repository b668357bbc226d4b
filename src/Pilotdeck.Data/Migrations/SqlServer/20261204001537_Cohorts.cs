using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Cohorts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cohorts",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    slug = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: true),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    target_size = table.Column<int>(type: "int", nullable: false),
                    default_channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    default_locale = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    state = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cohorts", x => x.id);
                    table.ForeignKey(
                        name: "FK_cohorts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "followup_templates",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    locale = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    subject = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    updated_by = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_followup_templates", x => new { x.tenant_id, x.kind, x.channel, x.locale });
                    table.ForeignKey(
                        name: "FK_followup_templates_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "participants",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    cohort_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    natural_key = table.Column<string>(type: "nvarchar(330)", maxLength: 330, nullable: false),
                    alias = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    email = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false),
                    phone = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    locale = table.Column<string>(type: "nvarchar(35)", maxLength: 35, nullable: false),
                    status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    source = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    channel = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    tags = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    consent_given = table.Column<bool>(type: "bit", nullable: true),
                    consent_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    consent_method = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    last_contacted_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    replied_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_participants", x => x.id);
                    table.ForeignKey(
                        name: "FK_participants_cohorts_cohort_id",
                        column: x => x.cohort_id,
                        principalTable: "cohorts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_participants_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "participant_notes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    participant_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    author = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_participant_notes", x => x.id);
                    table.ForeignKey(
                        name: "FK_participant_notes_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_participant_notes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "participant_status_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    participant_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    from_status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    to_status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_participant_status_changes", x => x.id);
                    table.ForeignKey(
                        name: "FK_participant_status_changes_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_participant_status_changes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cohorts_tenant_id_slug",
                table: "cohorts",
                columns: new[] { "tenant_id", "slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_participant_notes_participant_id",
                table: "participant_notes",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_participant_notes_tenant_id_participant_id_id",
                table: "participant_notes",
                columns: new[] { "tenant_id", "participant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_participant_status_changes_participant_id",
                table: "participant_status_changes",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_participant_status_changes_tenant_id_participant_id_id",
                table: "participant_status_changes",
                columns: new[] { "tenant_id", "participant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_participants_cohort_id",
                table: "participants",
                column: "cohort_id");

            migrationBuilder.CreateIndex(
                name: "IX_participants_tenant_id_cohort_id_natural_key",
                table: "participants",
                columns: new[] { "tenant_id", "cohort_id", "natural_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_participants_tenant_id_cohort_id_status_id",
                table: "participants",
                columns: new[] { "tenant_id", "cohort_id", "status", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "followup_templates");

            migrationBuilder.DropTable(
                name: "participant_notes");

            migrationBuilder.DropTable(
                name: "participant_status_changes");

            migrationBuilder.DropTable(
                name: "participants");

            migrationBuilder.DropTable(
                name: "cohorts");
        }
    }
}
