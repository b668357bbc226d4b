using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Pilotdeck.Data.Migrations.Postgres;

// Installation operators: a flag on the user, granted outside any tenant (the demo admin has it).
[DbContext(typeof(PostgresPilotdeckDbContext))]
[Migration("2026120301_InstallationOperators")]
internal sealed class InstallationOperators : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>("installation_operator", "users", type: "boolean", nullable: false, defaultValue: false);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("installation_operator", "users");
    }
}
