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

/// <summary>One schema.yml to create or rewrite.</summary>
/// <param name="Path">Project-relative path.</param>
/// <param name="Original">Current content; null for a new file.</param>
/// <param name="Content">Content after adding the tests.</param>
/// <param name="TestsAdded">Tests added to this file.</param>
public sealed record FileChange(string Path, string? Original, string Content, int TestsAdded)
{
    /// <summary>True when the file does not exist yet.</summary>
    public bool IsNew => Original is null;
}

/// <summary>The schema.yml changes for a set of gaps.</summary>
/// <param name="Files">Files to create or update, in path order.</param>
/// <param name="Warnings">Tests that could not be placed automatically (flow-style YAML, unparsable file).</param>
public sealed record GenerationResult(IReadOnlyList<FileChange> Files, IReadOnlyList<string> Warnings)
{
    /// <summary>Total tests added across files.</summary>
    public int TestsAdded => Files.Sum(f => f.TestsAdded);
}

/// <summary>Turns gaps into schema.yml edits: merged into the model's existing YAML (its <c>patch_path</c>), or a new <c>&lt;model&gt;.yml</c> beside the model.</summary>
public static class TestGenerator
{
    /// <summary>Plans the edits for gaps at or above <paramref name="priority"/> (1 = only primary keys).</summary>
    /// <param name="project">The project the gaps came from (for patch paths and the dbt version).</param>
    /// <param name="gaps">Gaps from the analysis.</param>
    /// <param name="priority">Lowest priority to include, 1–5.</param>
    /// <param name="files">Access to the existing YAML files.</param>
    public static GenerationResult Generate(DbtProject project, IReadOnlyList<Gap> gaps, int priority, IProjectFiles files)
    {
        var dialect = YamlDialect.For(project.Manifest.DbtRelease);
        var documents = new Dictionary<string, (string? Original, string Current, int Added)>(StringComparer.Ordinal);
        var warnings = new List<string>();

        foreach (var group in gaps.Where(g => g.Priority <= priority).GroupBy(g => g.ModelId, StringComparer.Ordinal))
        {
            if (project.Find(group.Key) is not { } model)
            {
                continue;
            }
            var path = model.PatchPath ?? (model.Directory == "." ? $"{model.Name}.yml" : $"{model.Directory}/{model.Name}.yml");
            if (!documents.TryGetValue(path, out var document))
            {
                var original = files.ReadText(path);
                document = (original, original ?? "", 0);
            }

            var columns = group
                .GroupBy(g => ColumnName.Normalize(g.Column), StringComparer.Ordinal)
                .OrderBy(c => IndexOf(model, c.Key))
                .Select(c => (c.First().Column, (IReadOnlyList<TestSpec>)c.Select(g => new TestSpec(g.Test, g.Arguments)).ToArray()))
                .ToArray();
            try
            {
                var merged = SchemaYamlMerger.Merge(document.Current, path, "models", model.Name, columns, dialect);
                warnings.AddRange(merged.Warnings);
                documents[path] = (document.Original, merged.Text, document.Added + merged.Added);
            }
            catch (YamlException ex)
            {
                warnings.Add($"{path} is not valid YAML (line {ex.Start.Line}): {ex.Message}; tests for {model.Name} were not added.");
            }
        }

        var changes = documents
            .Where(d => d.Value.Added > 0)
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new FileChange(d.Key, d.Value.Original, d.Value.Current, d.Value.Added))
            .ToArray();
        return new GenerationResult(changes, warnings);
    }

    private static int IndexOf(DbtResource model, string columnKey)
    {
        for (var i = 0; i < model.Columns.Count; i++)
        {
            if (model.Columns[i].Key == columnKey)
            {
                return i;
            }
        }
        return int.MaxValue;
    }
}
