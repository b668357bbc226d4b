using System.Globalization;
using System.Text;
using Pilotdeck.Guardian.Generation;

namespace Pilotdeck.Cli.Guardian;

/// <summary>
/// generate-tests' hand-off for review: <c>--patch</c> writes a unified diff that <c>git apply</c>
/// accepts at the top of the project's repository, <c>--branch</c> commits the merged files on a
/// new local branch without touching the work tree, the index or the current branch.
/// </summary>
internal static class GitHandOff
{
    /// <summary>
    /// Writes the patch and/or commits the branch asked for, with the generated files whose originals
    /// could be read, and says what it did (or why a file was left out) on <paramref name="output"/>.
    /// </summary>
    public static async Task HandOffAsync(TextWriter output, GenerationResult result, ProjectLocation location, int priority, string? patch, string? branch, CancellationToken ct)
    {
        // A preview's "original" is not the project's file, so a diff or commit of it would replace that file.
        var changes = result.Files.Where(f => !f.OriginalUnread).ToArray();
        foreach (var skipped in result.Files.Where(f => f.OriginalUnread))
        {
            output.WriteLine($"skipped {skipped.Path}: your file exists but is not under {location.ProjectRoot}; merge by hand (shown without --patch/--branch)");
        }
        if (changes.Length == 0)
        {
            output.WriteLine("No tests to add.");
            return;
        }
        if (patch is not null)
        {
            var files = await WritePatchAsync(changes, location, patch, ct);
            output.WriteLine($"wrote {Path.GetFullPath(patch)}: {changes.Sum(c => c.TestsAdded)} tests in {files} files. Apply with `git apply {patch}` at the top of the repository.");
        }
        if (branch is not null)
        {
            var commit = await CommitBranchAsync(changes, location, branch, CommitMessage(changes, priority), ct);
            output.WriteLine($"committed {changes.Sum(c => c.TestsAdded)} tests in {changes.Length} files on branch {branch} ({commit[..12]}); your checkout is unchanged. Review with `git show {branch}`, then merge or push it.");
        }
    }

    /// <summary>Writes the diff of every change to <paramref name="patchPath"/>; returns the number of files in it.</summary>
    private static async Task<int> WritePatchAsync(IReadOnlyList<FileChange> changes, ProjectLocation location, string patchPath, CancellationToken ct)
    {
        // Paths in the patch are relative to the repository's top, where `git apply` reads them.
        var prefix = await Git.PrefixAsync(location.ProjectRoot, ct) ?? "";
        var scratch = Directory.CreateTempSubdirectory("pilotdeck-guardian-patch-");
        try
        {
            var patch = new StringBuilder();
            foreach (var change in changes)
            {
                var path = prefix + change.Path;
                var after = Path.Combine(scratch.FullName, "b", path);
                Directory.CreateDirectory(Path.GetDirectoryName(after)!);
                await File.WriteAllTextAsync(after, change.Content, ct);
                var before = "/dev/null";
                if (change.Original is not null)
                {
                    before = Path.Combine(scratch.FullName, "a", path);
                    Directory.CreateDirectory(Path.GetDirectoryName(before)!);
                    await File.WriteAllTextAsync(before, change.Original, ct);
                    before = Path.GetRelativePath(scratch.FullName, before).Replace('\\', '/');
                }
                // `git diff --no-index a/x b/x` with no prefixes of its own names both sides a/x and b/x.
                patch.Append(await Git.RunAsync(scratch.FullName,
                    ["-c", "core.autocrlf=false", "diff", "--no-index", "--no-color", "--no-ext-diff", "--src-prefix=", "--dst-prefix=", "--", before, $"b/{path}"],
                    ct, acceptedExitCodes: [1]));
            }
            var target = Path.GetFullPath(patchPath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllTextAsync(target, patch.ToString(), new UTF8Encoding(false), ct);
            return changes.Count;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Commits <paramref name="changes"/> on top of HEAD as the new branch <paramref name="branch"/>,
    /// built in a private index so the user's checkout, staged changes and current branch stay as they were.
    /// </summary>
    private static async Task<string> CommitBranchAsync(IReadOnlyList<FileChange> changes, ProjectLocation location, string branch, string message, CancellationToken ct)
    {
        var root = location.ProjectRoot;
        var prefix = await Git.PrefixAsync(root, ct)
            ?? throw new GuardianInputException($"--branch: {root} is not inside a git repository.");
        await Git.RunAsync(root, ["check-ref-format", "--branch", branch], ct);
        if ((await Git.RunAsync(root, ["branch", "--list", branch], ct)).Trim().Length > 0)
        {
            throw new GuardianInputException($"--branch: a branch named {branch} already exists; pick another name or delete it.");
        }
        // The merged text was computed from the files on disk; with local edits in them the commit
        // would carry those edits too, under a message that does not mention them.
        var paths = changes.Where(c => c.Original is not null).Select(c => c.Path).ToArray();
        if (paths.Length > 0 && (await Git.RunAsync(root, ["status", "--porcelain", "--", .. paths], ct)).Trim() is { Length: > 0 } dirty)
        {
            throw new GuardianInputException($"--branch: these files have changes not committed yet; commit or stash them first:\n{dirty}");
        }

        var index = Path.Combine(Path.GetTempPath(), $"pilotdeck-guardian-index-{Guid.NewGuid():N}");
        var privateIndex = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
        try
        {
            await Git.RunAsync(root, ["read-tree", "HEAD"], ct, privateIndex);
            foreach (var change in changes)
            {
                var file = Path.GetTempFileName();
                try
                {
                    await File.WriteAllTextAsync(file, change.Content, new UTF8Encoding(false), ct);
                    var blob = (await Git.RunAsync(root, ["hash-object", "-w", "--path", change.Path, file], ct)).Trim();
                    await Git.RunAsync(root, ["update-index", "--add", "--cacheinfo", $"100644,{blob},{prefix}{change.Path}"], ct, privateIndex);
                }
                finally
                {
                    File.Delete(file);
                }
            }
            var tree = (await Git.RunAsync(root, ["write-tree"], ct, privateIndex)).Trim();
            var messageFile = Path.GetTempFileName();
            try
            {
                await File.WriteAllTextAsync(messageFile, message, new UTF8Encoding(false), ct);
                var commit = (await Git.RunAsync(root, ["commit-tree", tree, "-p", "HEAD", "-F", messageFile], ct)).Trim();
                await Git.RunAsync(root, ["branch", branch, commit], ct);
                return commit;
            }
            finally
            {
                File.Delete(messageFile);
            }
        }
        finally
        {
            File.Delete(index);
        }
    }

    /// <summary>The commit message: a subject, then every test added per file with the reason Guardian gives for it.</summary>
    private static string CommitMessage(IReadOnlyList<FileChange> changes, int priority)
    {
        var added = changes.Sum(c => c.TestsAdded);
        var message = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Add {added} dbt tests suggested by Pilotdeck Guardian (priority 1-{priority})\n\n"));
        message.Append("Generated by `pilotdeck guardian generate-tests --branch`; each test covers a gap in the\nproject's test coverage, for the reason given.\n");
        foreach (var change in changes)
        {
            message.Append(CultureInfo.InvariantCulture, $"\n{change.Path} ({(change.Original is null ? "new file" : "merged")}):\n");
            foreach (var gap in change.Gaps)
            {
                var where = gap.ModelLevel ? gap.Model : $"{gap.Model}.{gap.Column}";
                var state = gap.IsComplete ? "" : " [commented out: fill in " + gap.FillIn + "]";
                message.Append(CultureInfo.InvariantCulture, $"- {where}: {gap.Test}{state}: {gap.Rationale}\n");
            }
        }
        return message.ToString();
    }
}
