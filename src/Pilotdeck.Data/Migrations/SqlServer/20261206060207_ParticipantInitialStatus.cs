using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pilotdeck.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ParticipantInitialStatus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "created_by",
                table: "participants",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "initial_status",
                table: "participants",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            foreach (var statement in ParticipantInitialStatusBackfill.Up)
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in ParticipantInitialStatusBackfill.Down)
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.DropColumn(
                name: "created_by",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "initial_status",
                table: "participants");
        }
    }
}
