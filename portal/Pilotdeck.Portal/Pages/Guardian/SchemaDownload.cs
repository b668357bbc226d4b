using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Guardian.V1;

namespace Pilotdeck.Portal.Pages.Guardian;

/// <summary>
/// GenerateTests' files as one download: a single file as YAML; several as a zip that keeps their
/// project-relative paths, so it can be unpacked over the project (the zip is built in memory —
/// generated YAML is a small fraction of the manifest it came from).
/// </summary>
internal static class SchemaDownload
{
    public const string YamlContentType = "text/yaml; charset=utf-8";
    public const string ZipContentType = "application/zip";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <returns>Null when there is nothing to download.</returns>
    public static FileContentResult? For(GenerateTestsResponse response, string projectName, int threshold)
    {
        if (response.Files.Count == 0)
        {
            return null;
        }

        if (response.Files.Count == 1)
        {
            var file = response.Files[0];
            return new FileContentResult(Utf8.GetBytes(file.Content), YamlContentType) { FileDownloadName = Path.GetFileName(file.Path) };
        }

        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in response.Files)
            {
                Add(zip, file.Path, file.Content);
            }

            if (ReadMe(response) is { } readMe)
            {
                Add(zip, "GUARDIAN-README.txt", readMe);
            }
        }

        return new FileContentResult(buffer.ToArray(), ZipContentType) { FileDownloadName = $"{SafeName(projectName)}-schema-p{threshold}.zip" };
    }

    private static void Add(ZipArchive zip, string path, string content)
    {
        // Paths come from the manifest; never let one climb out of the folder it is unpacked into.
        var entryPath = string.Join('/', path.Replace('\\', '/').Split('/').Where(s => s is not ("" or "." or "..")));
        var entry = zip.CreateEntry(entryPath, CompressionLevel.Optimal);
        using var writer = new StreamWriter(entry.Open(), Utf8);
        writer.Write(content);
    }

    /// <summary>Files the project already has must be merged, not copied over; the zip says which.</summary>
    private static string? ReadMe(GenerateTestsResponse response)
    {
        var existing = response.Files.Where(f => f.ExistingFile).Select(f => f.Path).ToList();
        if (existing.Count == 0 && response.Warnings.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        if (existing.Count > 0)
        {
            text.AppendLine("These models already have YAML at the same path. Merge the suggested entries into them by hand,")
                .AppendLine("or run `pilotdeck guardian generate-tests --merge` in the project to edit them in place:")
                .AppendLine();
            existing.ForEach(p => text.AppendLine("  " + p));
            text.AppendLine();
        }

        if (response.Warnings.Count > 0)
        {
            text.AppendLine("Tests Guardian could not place; add them by hand:").AppendLine();
            foreach (var warning in response.Warnings)
            {
                text.AppendLine("  " + warning);
            }
        }

        return text.ToString();
    }

    private static string SafeName(string name)
    {
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]).Trim('_');
        return safe.Length == 0 ? "dbt" : safe;
    }
}
