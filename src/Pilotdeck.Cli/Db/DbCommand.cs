using System.CommandLine;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Data;
using Pilotdeck.Rpc;

namespace Pilotdeck.Cli.Db;

/// <summary>
/// <c>pilotdeck db migrate</c>: brings a database to the current schema directly, without the
/// server, e.g. before rolling out a new version. Reads the server's own configuration keys
/// (<c>Pilotdeck:Database:*</c>, from <c>Pilotdeck__Database__*</c> environment variables), which the
/// options override, so both always agree on which database they mean.
/// </summary>
public static class DbCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var provider = new Option<string?>("--provider") { Description = "sqlite or postgres. Default: $Pilotdeck__Database__Provider, else sqlite." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var connectionString = new Option<string?>("--connection-string")
        {
            Description = "ADO.NET connection string; required for postgres. Default: $Pilotdeck__Database__ConnectionString, else for sqlite pilotdeck.db in the data directory.",
        };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "SQLite's data directory. Default: $Pilotdeck__Database__DataDirectory, else .data under the working directory." };
        var output = Renderer.CreateOption();

        var migrate = new Command("migrate", "Create the database if needed and apply pending migrations; prints the ones applied. Safe to run repeatedly and concurrently.")
        {
            provider, connectionString, dataDirectory, output,
        };
        migrate.SetAction((parse, ct) => ApiContext.RunAsync(parse, async (writer, _) =>
        {
            var settings = Settings(environment, new()
            {
                [DatabaseOptions.Section + ":Provider"] = parse.GetValue(provider) switch { "postgres" => nameof(DatabaseProvider.Postgres), "sqlite" => nameof(DatabaseProvider.Sqlite), _ => null },
                [DatabaseOptions.Section + ":ConnectionString"] = parse.GetValue(connectionString),
                [DatabaseOptions.Section + ":DataDirectory"] = parse.GetValue(dataDirectory),
            });
            var database = DatabaseOptions.From(settings);
            IReadOnlyList<string> applied;
            try
            {
                await using var services = new ServiceCollection().AddPilotdeckData(settings).BuildServiceProvider();
                applied = await DatabaseMigrator.MigrateAsync(services, ct);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is null)
            {
                throw new CliException(ExitCodes.Usage, ex.Message, "Pass --connection-string (or set Pilotdeck__Database__ConnectionString).");
            }
            catch (DbException ex)
            {
                throw new CliException(ExitCodes.For(StatusCode.Unavailable), $"cannot migrate the {database.Provider} database: {ex.Message}",
                    "Check the connection string and that the database server is running and reachable.");
            }

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

    /// <summary>
    /// The server's keys from the environment (<c>Pilotdeck__Database__Provider</c> → <c>Pilotdeck:Database:Provider</c>,
    /// as ASP.NET Core maps them), then the non-empty command-line values on top.
    /// </summary>
    private static IConfiguration Settings(CliEnvironment environment, Dictionary<string, string?> overrides)
    {
        var fromEnvironment = environment.Variables
            .Where(v => v.Key.StartsWith("Pilotdeck__", StringComparison.OrdinalIgnoreCase))
            .Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value));
        return new ConfigurationBuilder()
            .AddInMemoryCollection(fromEnvironment)
            .AddInMemoryCollection(overrides.Where(o => !string.IsNullOrEmpty(o.Value)))
            .Build();
    }
}
