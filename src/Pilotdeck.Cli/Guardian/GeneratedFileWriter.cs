using Pilotdeck.Guardian.Generation;

namespace Pilotdeck.Cli.Guardian;

/// <summary>Writes generate-tests results into the project (<c>--merge</c>) or a review directory (<c>--output</c>).</summary>
internal static class GeneratedFileWriter
{
    /// <param name="output">Where each written file is reported.</param>
    /// <param name="result">The planned changes.</param>
    /// <param name="location">The project; targets of <c>--merge</c>.</param>
    /// <param name="outputDirectory">The <c>--output</c> directory, or null to write into the project.</param>
    /// <param name="ct">Cancels the writes.</param>
    public static async Task WriteAsync(TextWriter output, GenerationResult result, ProjectLocation location, string? outputDirectory, CancellationToken ct)
    {
        var written = new List<FileChange>();
        foreach (var file in result.Files)
        {
            if (file.OriginalUnread && outputDirectory is null)
            {
                // Writing would replace the project's real file with only Guardian's entries.
                output.WriteLine($"skipped {file.Path}: your file exists but is not under {location.ProjectRoot}; merge by hand (shown without --merge)");
                continue;
            }
            var target = outputDirectory is null
                ? location.FullPath(file.Path)
                : Path.Combine(Path.GetFullPath(outputDirectory), file.Path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllTextAsync(target, file.Content, ct);
            output.WriteLine($"{(file.IsNew ? "created" : file.OriginalUnread ? "wrote preview" : "updated")} {target} ({GuardianRenderer.Counts(file)})");
            written.Add(file);
        }
        output.WriteLine($"{written.Sum(f => f.TestsAdded)} tests in {written.Count} files. Run `dbt parse` and `pilotdeck guardian analyze` to see the new coverage.");
    }
}
