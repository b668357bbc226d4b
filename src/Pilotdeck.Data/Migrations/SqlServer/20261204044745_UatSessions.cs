using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UatSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "uat_sessions",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    participant_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    held_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    held_at_offset_minutes = table.Column<int>(type: "int", nullable: false),
                    satisfaction = table.Column<int>(type: "int", nullable: false),
                    trust = table.Column<int>(type: "int", nullable: false),
                    summary = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    follow_up = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    facilitator = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_uat_sessions", x => x.id);
                    table.ForeignKey(
                        name: "FK_uat_sessions_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_uat_sessions_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "attachments",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    participant_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    session_id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    file_name = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    content_type = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    blob_key = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    uploaded_by = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attachments", x => x.id);
                    table.ForeignKey(
                        name: "FK_attachments_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_attachments_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                    table.ForeignKey(
                        name: "FK_attachments_uat_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "uat_sessions",
                        principalColumn: "id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_attachments_participant_id",
                table: "attachments",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_attachments_session_id",
                table: "attachments",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "IX_attachments_tenant_id_participant_id_id",
                table: "attachments",
                columns: new[] { "tenant_id", "participant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_uat_sessions_participant_id",
                table: "uat_sessions",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "IX_uat_sessions_tenant_id_held_at",
                table: "uat_sessions",
                columns: new[] { "tenant_id", "held_at" });

            migrationBuilder.CreateIndex(
                name: "IX_uat_sessions_tenant_id_participant_id_held_at",
                table: "uat_sessions",
                columns: new[] { "tenant_id", "participant_id", "held_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attachments");

            migrationBuilder.DropTable(
                name: "uat_sessions");
        }
    }
}
