using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Imports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "imports",
                columns: table => new
                {
                    id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    source_file_name = table.Column<string>(type: "nvarchar(260)", maxLength: 260, nullable: false),
                    source_sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    source_size = table.Column<long>(type: "bigint", nullable: false),
                    options_json = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    state = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    created_count = table.Column<long>(type: "bigint", nullable: false),
                    updated_count = table.Column<long>(type: "bigint", nullable: false),
                    unchanged_count = table.Column<long>(type: "bigint", nullable: false),
                    rejected_count = table.Column<long>(type: "bigint", nullable: false),
                    plan_hash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    rows_done = table.Column<long>(type: "bigint", nullable: false),
                    rows_total = table.Column<long>(type: "bigint", nullable: false),
                    rows_per_second = table.Column<double>(type: "float", nullable: false),
                    failure = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    job_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    created_by = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_imports", x => x.id);
                    table.ForeignKey(
                        name: "FK_imports_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "installation_keys",
                columns: table => new
                {
                    purpose = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    protected_private_key = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    public_key = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_installation_keys", x => x.purpose);
                });

            migrationBuilder.CreateTable(
                name: "import_chunks",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    import_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    sequence = table.Column<int>(type: "int", nullable: false),
                    data = table.Column<byte[]>(type: "varbinary(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_chunks", x => new { x.tenant_id, x.import_id, x.sequence });
                    table.ForeignKey(
                        name: "FK_import_chunks_imports_import_id",
                        column: x => x.import_id,
                        principalTable: "imports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_import_chunks_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateTable(
                name: "import_rows",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    import_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    row_number = table.Column<long>(type: "bigint", nullable: false),
                    outcome = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    key = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: false),
                    field = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_rows", x => new { x.tenant_id, x.import_id, x.row_number });
                    table.ForeignKey(
                        name: "FK_import_rows_imports_import_id",
                        column: x => x.import_id,
                        principalTable: "imports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    // Edited by hand: SQL Server refuses a second cascade path from tenants; deletes
                    // reach this table through its parent (ADR 0023).
                    table.ForeignKey(
                        name: "FK_import_rows_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.NoAction);
                });

            migrationBuilder.CreateIndex(
                name: "IX_import_chunks_import_id",
                table: "import_chunks",
                column: "import_id");

            migrationBuilder.CreateIndex(
                name: "IX_import_rows_import_id",
                table: "import_rows",
                column: "import_id");

            migrationBuilder.CreateIndex(
                name: "IX_import_rows_tenant_id_import_id_outcome_row_number",
                table: "import_rows",
                columns: new[] { "tenant_id", "import_id", "outcome", "row_number" });

            migrationBuilder.CreateIndex(
                name: "IX_imports_tenant_id_created_at",
                table: "imports",
                columns: new[] { "tenant_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "import_chunks");

            migrationBuilder.DropTable(
                name: "import_rows");

            migrationBuilder.DropTable(
                name: "installation_keys");

            migrationBuilder.DropTable(
                name: "imports");
        }
    }
}
