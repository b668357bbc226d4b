using Pilotdeck.Guardian.Generation;

namespace Pilotdeck.Cli.Guardian;

/// <summary>Where a dbt project's artifacts and YAML live, from a project or target directory given on the command line.</summary>
/// <param name="ProjectRoot">The dbt project root (holds dbt_project.yml and the models).</param>
/// <param name="ManifestPath">The manifest.json to read.</param>
/// <param name="CatalogPath">catalog.json beside the manifest, when it exists.</param>
public sealed record ProjectLocation(string ProjectRoot, string ManifestPath, string? CatalogPath) : IProjectFiles
{
    /// <summary>Resolves <paramref name="path"/>: a project directory (uses target/), a target directory, or a manifest file.</summary>
    /// <exception cref="GuardianInputException">No manifest.json there.</exception>
    public static ProjectLocation Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        string manifest;
        if (File.Exists(full))
        {
            manifest = full;
        }
        else if (File.Exists(Path.Combine(full, "target", "manifest.json")))
        {
            manifest = Path.Combine(full, "target", "manifest.json");
        }
        else if (File.Exists(Path.Combine(full, "manifest.json")))
        {
            manifest = Path.Combine(full, "manifest.json");
        }
        else if (!Directory.Exists(full))
        {
            throw new GuardianInputException($"{path} does not exist. Pass a dbt project directory or its target/ directory.");
        }
        else
        {
            throw new GuardianInputException(
                $"No manifest.json in {full} (looked for target/manifest.json and manifest.json). " +
                "Run `dbt parse` (or `dbt compile` / `dbt build`) in the dbt project to write target/manifest.json; " +
                "`dbt docs generate` also writes catalog.json for warehouse columns and types.");
        }

        var directory = Path.GetDirectoryName(manifest)!;
        var catalog = Path.Combine(directory, "catalog.json");
        // target/ sits inside the project; a bare manifest elsewhere has no project around it.
        var root = Path.GetFileName(directory) == "target" ? Path.GetDirectoryName(directory)! : directory;
        return new ProjectLocation(root, manifest, File.Exists(catalog) ? catalog : null);
    }

    /// <inheritdoc />
    public string? ReadText(string relativePath)
    {
        var file = FullPath(relativePath);
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    /// <summary>The absolute path of a project-relative path.</summary>
    public string FullPath(string relativePath) => Path.Combine(ProjectRoot, relativePath.Replace('/', Path.DirectorySeparatorChar));
}

/// <summary>Input the user has to fix; the message says how.</summary>
public sealed class GuardianInputException(string message) : Exception(message);
