using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// The PostgreSQL connection defaults the host relies on for its per-call reads (no session reset
/// on reuse, auto-prepared statements), and that a deployment's own values win. No database needed:
/// the connection string the contexts are built with is what is checked.
/// </summary>
public class PostgresConnectionDefaultsTests
{
    [Fact]
    public void Defaults_AppliedWhenTheConnectionStringIsSilent()
    {
        var effective = EffectiveConnectionString("Host=db.internal;Database=pilotdeck;Username=app");

        Assert.True(effective.NoResetOnClose);
        Assert.Equal(20, effective.MaxAutoPrepare);
        Assert.Equal("db.internal", effective.Host);
    }

    [Theory]
    [InlineData("Host=db.internal;Database=pilotdeck;No Reset On Close=false;Max Auto Prepare=5")]
    [InlineData("Host=db.internal;Database=pilotdeck;NoResetOnClose=false;MaxAutoPrepare=5")]
    [InlineData("Host=db.internal;Database=pilotdeck;no reset on close=False;max auto prepare=5")]
    public void ExplicitValues_Kept(string connectionString)
    {
        var effective = EffectiveConnectionString(connectionString);

        Assert.False(effective.NoResetOnClose);
        Assert.Equal(5, effective.MaxAutoPrepare);
    }

    private static NpgsqlConnectionStringBuilder EffectiveConnectionString(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pilotdeck:Database:Provider"] = nameof(DatabaseProvider.Postgres),
                ["Pilotdeck:Database:ConnectionString"] = connectionString,
            })
            .Build();
        using var services = new ServiceCollection().AddPilotdeckData(configuration).BuildServiceProvider();
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        return new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
    }
}
