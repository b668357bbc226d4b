using System.CommandLine;
using System.Security.Cryptography;
using Grpc.Core;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Transparency.Bundles;

namespace Pilotdeck.Cli.Cohorts;

/// <summary>
/// <c>pilotdeck data-subject-export --participant &lt;uuid&gt;</c>: everything held about one
/// participant as one zip (docs/data-subject-export.md). The download goes to a partial file and is
/// kept only when the zip's SHA-256 and length are the ones the server announced, the manifest's
/// hash is the one its receipt records, and every file matches the manifest.
/// </summary>
public static class DataSubjectExportCommand
{
    public static Command Create(ApiContext api)
    {
        var participant = new Option<string>("--participant") { Description = "The participant's UUID.", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Where to save the zip. Default: subject-export-<uuid>.zip in the current directory (never overwritten)." };
        var approval = ApprovalHeader.CreateOption();
        var command = new Command("data-subject-export", "Export everything held about a participant as one zip with a manifest of SHA-256 digests; held for approval by the default policy.")
        {
            participant, output, approval,
        };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var id = parse.GetValue(participant)!.Trim();
            var path = Path.GetFullPath(parse.GetValue(output) ?? $"subject-export-{id}.zip");
            if (parse.GetValue(output) is null && File.Exists(path))
            {
                throw new CliException(ExitCodes.Usage, $"{path} already exists.", "Choose where to save it with --output FILE.");
            }

            var partial = path + ".partial";
            try
            {
                ExportDataSubjectResponse? first = null;
                await using (var file = File.Create(partial))
                {
                    using var call = client.Cohorts.ExportDataSubject(new ExportDataSubjectRequest { ParticipantId = id }, ApprovalHeader.Of(parse, approval), cancellationToken: token);
                    await foreach (var chunk in call.ResponseStream.ReadAllAsync(token))
                    {
                        first ??= chunk;
                        await file.WriteAsync(chunk.Data.Memory, token);
                    }
                }

                var check = Verify(partial, first ?? throw Broken("the server sent nothing"));
                File.Move(partial, path, overwrite: true);
                Report(check.Manifest!, first, path, writer);
            }
            finally
            {
                File.Delete(partial);
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static SubjectExportCheck Verify(string path, ExportDataSubjectResponse first)
    {
        byte[] zipSha256;
        using (var stream = File.OpenRead(path))
        {
            if (stream.Length != first.ZipSizeBytes)
            {
                throw Broken($"{stream.Length} bytes arrived, the server sent {first.ZipSizeBytes}");
            }

            zipSha256 = SHA256.HashData(stream);
        }

        if (!zipSha256.AsSpan().SequenceEqual(first.ZipSha256.Span))
        {
            throw Broken("the zip's SHA-256 is not the one the server announced");
        }

        using var zip = File.OpenRead(path);
        var check = SubjectExportManifest.Verify(zip);
        if (!check.Whole)
        {
            throw Broken(string.Join("; ", check.Problems));
        }

        if (!ManifestMatches(path, first))
        {
            throw Broken("manifest.json is not the one the export's receipt records");
        }

        return check;
    }

    /// <summary>manifest.json's bytes against the hash the export's receipt records.</summary>
    private static bool ManifestMatches(string path, ExportDataSubjectResponse first)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(path);
        using var manifest = archive.GetEntry(SubjectExportManifest.FileName)!.Open();
        return SHA256.HashData(manifest).AsSpan().SequenceEqual(first.ManifestSha256.Span);
    }

    private static void Report(SubjectExportManifest manifest, ExportDataSubjectResponse first, string path, TextWriter writer)
    {
        foreach (var file in manifest.Files)
        {
            writer.WriteLine($"{file.Sha256}  {file.SizeBytes,12}  {file.Name}");
        }

        writer.WriteLine($"wrote {path}: {manifest.Files.Count} files, {manifest.Files.Sum(f => f.SizeBytes)} bytes of content, {first.ZipSizeBytes} bytes zipped, " +
            $"zip sha256 {Convert.ToHexStringLower(first.ZipSha256.Span)}");
        writer.WriteLine($"verified: every file matches manifest.json; export {manifest.Export}, digest {manifest.ExportSha256}, receipt {first.ExportReceiptId}");
    }

    private static CliException Broken(string problem) =>
        new(ExitCodes.For(StatusCode.DataLoss), $"the export did not arrive whole ({problem}); nothing was saved.", "Run the command again (a new export needs a new approval).");
}
