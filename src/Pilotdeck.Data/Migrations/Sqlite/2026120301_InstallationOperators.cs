using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pilotdeck.Data.Migrations.Sqlite;

// Installation operators: a flag on the user, granted outside any tenant (the demo admin has it).
[DbContext(typeof(SqlitePilotdeckDbContext))]
[Migration("2026120301_InstallationOperators")]
internal sealed class InstallationOperators : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>("installation_operator", "users", type: "INTEGER", nullable: false, defaultValue: false);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("installation_operator", "users");
    }
}
