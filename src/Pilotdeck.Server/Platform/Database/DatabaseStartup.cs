using Pilotdeck.Data;
using Pilotdeck.Data.Identity;

namespace Pilotdeck.Server.Platform.Database;

/// <summary>Brings the database to the current schema at start and, in embedded mode, seeds the demo tenant.</summary>
public static class DatabaseStartup
{
    public const string SeedDemoKey = "Pilotdeck:SeedDemo";

    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var applied = await DatabaseMigrator.MigrateAsync(app.Services);
        if (applied.Count > 0)
        {
            app.Logger.LogInformation("Applied migrations: {Migrations}", string.Join(", ", applied));
        }

        // Embedded SQLite is the "try it on my laptop" mode: seed unless told not to. A PostgreSQL
        // deployment is a real one and gets no demo data unless asked for.
        var embedded = DatabaseOptions.From(app.Configuration).Provider == DatabaseProvider.Sqlite;
        if (!app.Configuration.GetValue(SeedDemoKey, embedded))
        {
            return;
        }

        var seeded = await DemoSeeder.SeedAsync(app.Services);
        if (seeded.AdminPassword is not null)
        {
            Console.WriteLine($"Demo tenant '{seeded.TenantId}' created. Sign in as {seeded.AdminEmail} / {seeded.AdminPassword} (shown once; reset with `pilotdeck admin user reset-password`).");
        }
        else
        {
            Console.WriteLine($"Demo tenant '{seeded.TenantId}': sign in as {seeded.AdminEmail} (password shown at first start).");
        }
    }
}
