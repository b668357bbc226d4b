using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data;

/// <summary>The embedded provider; its type selects the migrations in Migrations/Sqlite.</summary>
public sealed class SqlitePilotdeckDbContext(DbContextOptions<SqlitePilotdeckDbContext> options)
    : PilotdeckDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type and cannot compare or order DateTimeOffset stored as text;
        // as an integer (values are always UTC) expiry checks and ordering run in the database.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
