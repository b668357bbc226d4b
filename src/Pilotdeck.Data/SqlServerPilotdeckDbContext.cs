using Microsoft.EntityFrameworkCore;

namespace Pilotdeck.Data;

/// <summary>The SQL Server provider; its type selects the migrations in Migrations/SqlServer.</summary>
public sealed class SqlServerPilotdeckDbContext(DbContextOptions<SqlServerPilotdeckDbContext> options)
    : PilotdeckDbContext(options);
