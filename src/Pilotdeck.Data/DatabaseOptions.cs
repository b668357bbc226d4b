using Microsoft.Extensions.Configuration;

namespace Pilotdeck.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

/// <summary>Settings under <c>Pilotdeck:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Pilotdeck:Database";

    /// <summary>Defaults to <see cref="DatabaseProvider.Sqlite"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Required for PostgreSQL and SQL Server. For SQLite it defaults to <c>pilotdeck.db</c> in <see cref="DataDirectory"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where the embedded database lives (<c>Pilotdeck:DataDirectory</c>); defaults to <c>.data</c> under the working directory.</summary>
    public string DataDirectory { get; set; } = ".data";

    public static DatabaseOptions From(IConfiguration configuration)
    {
        var options = new DatabaseOptions();
        configuration.GetSection(Section).Bind(options);
        options.DataDirectory = configuration["Pilotdeck:DataDirectory"] ?? options.DataDirectory;
        return options;
    }

    public string ResolveConnectionString() => Provider switch
    {
        _ when !string.IsNullOrWhiteSpace(ConnectionString) => ConnectionString,
        DatabaseProvider.Sqlite => $"Data Source={Path.GetFullPath(Path.Combine(DataDirectory, "pilotdeck.db"))}",
        _ => throw new InvalidOperationException($"{Section}:ConnectionString is required for provider {Provider}."),
    };
}
