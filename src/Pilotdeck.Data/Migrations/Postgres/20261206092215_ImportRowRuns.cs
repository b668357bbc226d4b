using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImportRowRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "keys",
                table: "import_rows",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "last_row_number",
                table: "import_rows",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in ImportRowRunsExpansion.PostgresDown)
            {
                migrationBuilder.Sql(sql);
            }

            migrationBuilder.DropColumn(
                name: "keys",
                table: "import_rows");

            migrationBuilder.DropColumn(
                name: "last_row_number",
                table: "import_rows");
        }
    }
}
