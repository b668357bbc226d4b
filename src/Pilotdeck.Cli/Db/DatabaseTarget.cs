using System.CommandLine;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Cli.Api;
using Pilotdeck.Data;
using Grpc.Core;

namespace Pilotdeck.Cli.Db;

/// <summary>
/// The options that name a database directly (no server), shared by every command that needs one.
/// They read the server's own keys (<c>Pilotdeck__Database__*</c> environment variables) first, so the
/// CLI and the server always agree on which database they mean; the options override them.
/// </summary>
public sealed class DatabaseTarget
{
    private readonly CliEnvironment _environment;

    public DatabaseTarget(CliEnvironment environment)
    {
        _environment = environment;
        Provider.AcceptOnlyFromAmong("sqlite", "postgres", "sqlserver");
    }

    public Option<string?> Provider { get; } = new("--provider") { Description = "sqlite, postgres or sqlserver. Default: $Pilotdeck__Database__Provider, else sqlite." };

    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "ADO.NET connection string; required for postgres and sqlserver. Default: $Pilotdeck__Database__ConnectionString, else for sqlite pilotdeck.db in the data directory.",
    };

    public Option<string?> DataDirectory { get; } = new("--data-dir") { Description = "SQLite's data directory. Default: $Pilotdeck__Database__DataDirectory, else .data under the working directory." };

    public void AddTo(Command command)
    {
        command.Options.Add(Provider);
        command.Options.Add(ConnectionString);
        command.Options.Add(DataDirectory);
    }

    /// <summary>Runs <paramref name="work"/> with the data services over the chosen database, turning configuration and connection failures into advice.</summary>
    public async Task<T> RunAsync<T>(ParseResult parse, Func<IServiceProvider, DatabaseOptions, Task<T>> work)
    {
        var settings = Settings(new()
        {
            [DatabaseOptions.Section + ":Provider"] = parse.GetValue(Provider) switch
            {
                "postgres" => nameof(DatabaseProvider.Postgres),
                "sqlserver" => nameof(DatabaseProvider.SqlServer),
                "sqlite" => nameof(DatabaseProvider.Sqlite),
                _ => null,
            },
            [DatabaseOptions.Section + ":ConnectionString"] = parse.GetValue(ConnectionString),
            [DatabaseOptions.Section + ":DataDirectory"] = parse.GetValue(DataDirectory),
        });
        var database = DatabaseOptions.From(settings);
        try
        {
            await using var services = new ServiceCollection().AddPilotdeckData(settings).BuildServiceProvider();
            return await work(services, database);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is null && ex.Message.Contains(DatabaseOptions.Section, StringComparison.Ordinal))
        {
            throw new CliException(ExitCodes.Usage, ex.Message, "Pass --connection-string (or set Pilotdeck__Database__ConnectionString).");
        }
        catch (DbException ex)
        {
            throw new CliException(ExitCodes.For(StatusCode.Unavailable), $"cannot use the {database.Provider} database: {ex.Message}",
                "Check the connection string and that the database server is running and reachable.");
        }
    }

    /// <summary>
    /// The server's keys from the environment (<c>Pilotdeck__Database__Provider</c> → <c>Pilotdeck:Database:Provider</c>,
    /// as ASP.NET Core maps them), then the non-empty command-line values on top.
    /// </summary>
    private IConfiguration Settings(Dictionary<string, string?> overrides)
    {
        var fromEnvironment = _environment.Variables
            .Where(v => v.Key.StartsWith("Pilotdeck__", StringComparison.OrdinalIgnoreCase))
            .Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value));
        return new ConfigurationBuilder()
            .AddInMemoryCollection(fromEnvironment)
            .AddInMemoryCollection(overrides.Where(o => !string.IsNullOrEmpty(o.Value)))
            .Build();
    }
}
