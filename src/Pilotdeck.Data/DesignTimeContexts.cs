using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pilotdeck.Data;

/// <summary>
/// How <c>dotnet ef</c> builds each provider's context to make migrations, without a host or a
/// server: adding a migration compares the model with the snapshot and never connects. Use
/// <c>dotnet ef migrations add NAME -p src/Pilotdeck.Data -c SqlServerPilotdeckDbContext -o Migrations/SqlServer</c>
/// (likewise Sqlite, Postgres); see docs/runbooks/operations.md.
/// </summary>
public sealed class SqliteDesignTimeContext : IDesignTimeDbContextFactory<SqlitePilotdeckDbContext>
{
    public SqlitePilotdeckDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePilotdeckDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

public sealed class PostgresDesignTimeContext : IDesignTimeDbContextFactory<PostgresPilotdeckDbContext>
{
    public PostgresPilotdeckDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPilotdeckDbContext>().UseNpgsql("Host=localhost;Database=pilotdeck_design").Options);
}

public sealed class SqlServerDesignTimeContext : IDesignTimeDbContextFactory<SqlServerPilotdeckDbContext>
{
    public SqlServerPilotdeckDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerPilotdeckDbContext>().UseSqlServer("Server=localhost;Database=pilotdeck_design;Integrated Security=true;TrustServerCertificate=true").Options);
}
