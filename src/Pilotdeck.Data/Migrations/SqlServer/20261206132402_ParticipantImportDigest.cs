using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ParticipantImportDigest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "import_digest",
                table: "participants",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "import_digest",
                table: "participants");
        }
    }
}
