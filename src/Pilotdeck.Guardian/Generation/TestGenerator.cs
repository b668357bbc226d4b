using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Gaps;
using YamlDotNet.Core;

namespace Pilotdeck.Guardian.Generation;

/// <summary>Read access to the dbt project's files, so generation works on disk (CLI) or on uploaded files (server).</summary>
public interface IProjectFiles
{
    /// <summary>The text of a project-relative file (forward slashes), or null when it does not exist.</summary>
    string? ReadText(string relativePath);
}

/// <summary>One property file to create or rewrite.</summary>
/// <param name="Path">Project-relative path.</param>
/// <param name="Original">Current content; null for a new file or one that could not be read.</param>
/// <param name="Content">Content after adding the tests.</param>
/// <param name="TestsAdded">Tests added to this file, ready to run.</param>
/// <param name="TestsToComplete">Incomplete tests appended as commented YAML for the engineer to fill in.</param>
/// <param name="OriginalUnread">True when the manifest says the file exists but it was not on disk (a bare target/ folder): the content is a preview to merge by hand, never a new file.</param>
public sealed record FileChange(string Path, string? Original, string Content, int TestsAdded, int TestsToComplete = 0, bool OriginalUnread = false)
{
    /// <summary>The gaps this file's tests answer, complete or to complete, for saying why they were added.</summary>
    public IReadOnlyList<Gap> Gaps { get; init; } = [];

    /// <summary>True when the file does not exist in the project yet.</summary>
    public bool IsNew => Original is null && !OriginalUnread;
}

/// <summary>The property-file changes for a set of gaps.</summary>
/// <param name="Files">Files to create or update, in path order.</param>
/// <param name="Warnings">Tests that could not be placed automatically (flow-style YAML, unparsable file) and package suggestions left out.</param>
public sealed record GenerationResult(IReadOnlyList<FileChange> Files, IReadOnlyList<string> Warnings)
{
    /// <summary>Total tests added across files.</summary>
    public int TestsAdded => Files.Sum(f => f.TestsAdded);
}

/// <summary>
/// Turns gaps into property-file edits: merged into the resource's existing YAML (a model's
/// <c>patch_path</c>, a source's file), or a new <c>&lt;model&gt;.yml</c> beside the model.
/// Incomplete gaps become commented YAML; package resources are left to their own project.
/// </summary>
public static class TestGenerator
{
    private sealed class Document(string? original, bool unread)
    {
        public string? Original { get; } = original;
        public bool Unread { get; } = unread;
        public List<(IReadOnlyList<YamlStep> Steps, TestSpec Test)> Tests { get; } = [];
        public List<Gap> ToComplete { get; } = [];
        public List<Gap> Planned { get; } = [];
    }

    /// <summary>Plans the edits for gaps at or above <paramref name="priority"/> (1 = only primary keys).</summary>
    /// <param name="project">The project the gaps came from (for patch paths and the dbt version).</param>
    /// <param name="gaps">Gaps from the analysis.</param>
    /// <param name="priority">Lowest priority to include, 1–5.</param>
    /// <param name="files">Access to the existing YAML files.</param>
    public static GenerationResult Generate(DbtProject project, IReadOnlyList<Gap> gaps, int priority, IProjectFiles files)
    {
        var dialect = YamlDialect.For(project.Manifest.DbtRelease, project.Manifest.SchemaVersion);
        var documents = new Dictionary<string, Document>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var fromPackages = new SortedDictionary<string, int>(StringComparer.Ordinal);

        foreach (var gap in gaps.Where(g => g.Priority <= priority))
        {
            if (project.Find(gap.ModelId) is not { } resource)
            {
                continue;
            }
            if (project.Manifest.ProjectName is { } root && resource.PackageName != root)
            {
                // The root project's YAML cannot describe another package's models; they are tested upstream.
                fromPackages[resource.PackageName] = fromPackages.GetValueOrDefault(resource.PackageName) + 1;
                continue;
            }
            var path = PropertyFilePath(resource);
            if (!documents.TryGetValue(path, out var document))
            {
                var original = files.ReadText(path);
                documents[path] = document = new Document(original, original is null && KnownToExist(resource));
            }
            document.Planned.Add(gap);
            if (gap.IsComplete)
            {
                document.Tests.Add((Steps(resource, gap), new TestSpec(gap.Test, gap.Arguments)));
            }
            else
            {
                document.ToComplete.Add(gap);
            }
        }
        foreach (var (package, count) in fromPackages)
        {
            warnings.Add($"{count} suggestions for models of package {package} were left out: a package's models are tested in its own project.");
        }

        var changes = new List<FileChange>();
        foreach (var (path, document) in documents.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            try
            {
                var merged = SchemaYamlMerger.Merge(document.Original ?? "", path, document.Tests, dialect);
                warnings.AddRange(merged.Warnings);
                if (merged.Added + document.ToComplete.Count > 0)
                {
                    var content = IncompleteTests.Append(merged.Text, document.ToComplete, dialect);
                    changes.Add(new FileChange(path, document.Original, content, merged.Added, document.ToComplete.Count, document.Unread) { Gaps = document.Planned });
                }
            }
            catch (YamlException ex)
            {
                warnings.Add($"{path} is not valid YAML (line {ex.Start.Line}): {ex.Message}; its tests were not added.");
            }
        }
        return new GenerationResult(changes, warnings);
    }

    private static string PropertyFilePath(DbtResource resource) => resource switch
    {
        { ResourceType: DbtResourceType.Source } => resource.OriginalFilePath,
        { PatchPath: { } patch } => patch,
        _ => resource.Directory == "." ? $"{resource.Name}.yml" : $"{resource.Directory}/{resource.Name}.yml",
    };

    // A source is defined in YAML and a patch_path names a YAML file, so both exist in the project.
    private static bool KnownToExist(DbtResource resource) =>
        resource.ResourceType == DbtResourceType.Source || resource.PatchPath is not null;

    private static IReadOnlyList<YamlStep> Steps(DbtResource resource, Gap gap)
    {
        List<YamlStep> steps = resource.ResourceType == DbtResourceType.Source
            ? [new("sources", resource.SourceName ?? resource.Name), new("tables", resource.Name)]
            : [new("models", resource.Name)];
        if (!gap.ModelLevel)
        {
            steps.Add(new YamlStep("columns", gap.Column));
        }
        return steps;
    }
}
