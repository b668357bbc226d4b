using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InstallationOperators : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "installation_operator",
                table: "users",
                type: "bit",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "installation_operator",
                table: "users");
        }
    }
}
