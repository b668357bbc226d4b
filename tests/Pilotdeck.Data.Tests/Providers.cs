namespace Pilotdeck.Data.Tests;

public static class Providers
{
    /// <summary>Every database test runs once per provider.</summary>
    public static TheoryData<DatabaseProvider> All => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];
}
