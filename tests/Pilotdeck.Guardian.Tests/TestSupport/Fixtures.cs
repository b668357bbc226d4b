namespace Pilotdeck.Guardian.Tests.TestSupport;

/// <summary>The real jaffle_shop artifacts in ../shared/fixtures/dbt, found from the repo root (the folder holding Grpc.sln).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Repository = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grpc.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Grpc.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The checkout's root (the folder holding Grpc.sln).</summary>
    public static string RepositoryRoot => Repository.Value;

    public static string JaffleShop => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "dbt", "jaffle_shop"));

    public static string Manifest(string relative) => Path.Combine(JaffleShop, "manifest", relative);

    public static string Catalog(string file) => Path.Combine(JaffleShop, "catalog", "v1", "jaffle_shop", file);

    /// <summary>Every manifest fixture, relative to manifest/.</summary>
    public static IEnumerable<object[]> AllManifests() =>
        Directory.EnumerateFiles(Path.Combine(JaffleShop, "manifest"), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(JaffleShop, "manifest"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { f });

    public static async Task<Pilotdeck.Guardian.Artifacts.DbtProject> ReadAsync(string manifest, string? catalog = null)
    {
        await using var m = File.OpenRead(Manifest(manifest));
        await using var c = catalog is null ? null : File.OpenRead(Catalog(catalog));
        return await Pilotdeck.Guardian.Artifacts.ManifestReader.ReadAsync(m, c);
    }
}
