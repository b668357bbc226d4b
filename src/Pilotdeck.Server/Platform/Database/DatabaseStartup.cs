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
        var dataDirectory = DatabaseOptions.From(app.Configuration).DataDirectory;
        var credentials = DemoCredentialsFile.Path(dataDirectory);
        if (seeded.AdminPassword is not null)
        {
            DemoCredentialsFile.Write(credentials, seeded.AdminEmail, seeded.AdminPassword);
        }

        // Embedded mode is a demo on the developer's own machine: show the sign-in every start,
        // from a file readable only by its owner, rather than once and never again.
        Console.WriteLine(DemoCredentialsFile.TryRead(credentials) is { } line
            ? $"Demo tenant '{seeded.TenantId}': sign in as {line}"
            : $"Demo tenant '{seeded.TenantId}': sign in as {seeded.AdminEmail} (password was printed at first start).");
    }
}

/// <summary>The demo admin's credentials, kept beside the embedded database with owner-only permissions.</summary>
internal static class DemoCredentialsFile
{
    public static string Path(string dataDirectory) => System.IO.Path.Combine(dataDirectory, "demo-credentials.txt");

    public static void Write(string path, string email, string password)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"{email} / {password}{Environment.NewLine}");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public static string? TryRead(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
