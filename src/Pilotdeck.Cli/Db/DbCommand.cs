using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Data;

namespace Pilotdeck.Cli.Db;

/// <summary>
/// <c>pilotdeck db migrate</c>: brings a database to the current schema directly, without the
/// server, e.g. before rolling out a new version.
/// </summary>
public static class DbCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var target = new DatabaseTarget(environment);
        var output = Renderer.CreateOption();
        var migrate = new Command("migrate", "Create the database if needed and apply pending migrations; prints the ones applied. Safe to run repeatedly and concurrently.")
        {
            output,
        };
        target.AddTo(migrate);
        migrate.SetAction((parse, ct) => ApiContext.RunAsync(parse, async (writer, _) =>
        {
            var (applied, database) = await target.RunAsync(parse, async (services, database) => (await DatabaseMigrator.MigrateAsync(services, ct), database));
            parse.InvocationConfiguration.Error.WriteLine(applied.Count == 0
                ? $"The {database.Provider} database is up to date."
                : $"Applied {applied.Count} migration(s) to the {database.Provider} database.");
            Renderer.List(writer, Renderer.FormatOf(parse, output), applied, [new Column<string>("migration_id", id => id)]);
            return ExitCodes.Ok;
        }));

        var db = new Command("db", "Database administration, run directly against the database (no server needed).");
        db.Subcommands.Add(migrate);
        return db;
    }
}
