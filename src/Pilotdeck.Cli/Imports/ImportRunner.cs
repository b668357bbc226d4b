using System.Globalization;
using Grpc.Core;
using Pilotdeck.Cli.Api;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Imports.V1;

namespace Pilotdeck.Cli.Imports;

/// <summary>
/// Runs one import from the command line: streams the file up (1 MiB chunks, any size up to the
/// server's limit), follows the dry-run, commits its plan unless it is a dry run, and says what
/// was done — counts, plan hash, and where the error manifest and failed rows were saved. Progress
/// goes to stderr: a bar with rows/s and ETA on a terminal, one plain line per update otherwise.
/// </summary>
public sealed class ImportRunner(PilotdeckClient client, TextWriter output, TextWriter progress, bool terminal, CancellationToken cancellationToken)
{
    // Uploading a big file, committing it and watching a job-run import outlast the SDK's 30 s default deadline;
    // Ctrl+C (the cancellation token) still ends them at once.
    private static readonly TimeSpan LongCall = TimeSpan.FromHours(2);

    public async Task<Import> RunAsync(string kind, string path, IReadOnlyDictionary<string, string> options, bool dryRun, Metadata? approval, string outDirectory)
    {
        var planned = await WatchAsync(await UploadAsync(kind, path, options));
        Summarize(planned, "Plan");
        if (planned.State != ImportState.Planned)
        {
            return planned;
        }

        if (planned.RejectedCount > 0)
        {
            await SaveRejectionsAsync(planned, Path.GetFileNameWithoutExtension(path), outDirectory);
        }

        if (dryRun)
        {
            output.WriteLine(planned.CreatedCount + planned.UpdatedCount == 0
                ? "Dry run: nothing was changed, and committing this plan would change nothing either: no row would be created or updated."
                : $"Dry run: nothing was changed. Commit this plan with `pilotdeck imports commit {planned.ImportId} --plan-hash {planned.PlanHash}`.");
            return planned;
        }

        return await CommitAsync(planned.ImportId, planned.PlanHash, approval);
    }

    public async Task<Import> CommitAsync(string importId, string planHash, Metadata? approval)
    {
        // A file under the job threshold is committed inside this call, which can outlast the default deadline too.
        var started = (await client.Imports.CommitImportAsync(new CommitImportRequest { ImportId = importId, PlanHash = planHash }, approval,
            deadline: DateTime.UtcNow.Add(LongCall), cancellationToken: cancellationToken)).Import;
        var done = await WatchAsync(started);
        Summarize(done, "Commit");
        return done;
    }

    /// <summary>Streams WatchImport until the import settles, drawing progress; returns the last state.</summary>
    public async Task<Import> WatchAsync(Import import)
    {
        if (import.State is not (ImportState.Planning or ImportState.Committing))
        {
            return import;
        }

        using var call = client.Imports.WatchImport(new WatchImportRequest { ImportId = import.ImportId }, deadline: DateTime.UtcNow.Add(LongCall), cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            import = call.ResponseStream.Current.Import;
            Draw(import);
        }

        if (terminal)
        {
            progress.WriteLine();
        }

        return import;
    }

    public async Task SaveRejectionsAsync(Import import, string stem, string outDirectory)
    {
        Directory.CreateDirectory(outDirectory);
        var manifest = Path.Combine(outDirectory, $"{stem}.import-manifest.json");
        var failed = Path.Combine(outDirectory, $"{stem}.failed-rows.csv");
        var envelope = await client.Imports.GetImportManifestAsync(new GetImportManifestRequest { ImportId = import.ImportId }, cancellationToken: cancellationToken);
        await File.WriteAllTextAsync(manifest, envelope.EnvelopeJson, cancellationToken);
        var rows = await client.Imports.GetFailedRowsAsync(new GetFailedRowsRequest { ImportId = import.ImportId }, cancellationToken: cancellationToken);
        await File.WriteAllBytesAsync(failed, rows.Csv.ToByteArray(), cancellationToken);
        const int shown = 10;
        var first = await client.Imports.ListImportRowsAsync(new ListImportRowsRequest { ImportId = import.ImportId, Outcome = RowOutcome.Rejected, PageSize = shown }, cancellationToken: cancellationToken);
        foreach (var row in first.Rows)
        {
            output.WriteLine($"  row {row.RowNumber}: {row.Reason}");
        }

        if (import.RejectedCount > shown)
        {
            output.WriteLine($"  … and {import.RejectedCount - shown} more (`pilotdeck imports rows {import.ImportId} --outcome rejected`).");
        }

        output.WriteLine($"{import.RejectedCount} row(s) rejected: signed error manifest in {manifest}, failed rows (with a reason column, ready to fix and re-import) in {failed}.");
    }

    /// <summary>Streams the file up with UploadImport; returns the import as stored (planned, or planning when a job plans it).</summary>
    public async Task<Import> UploadAsync(string kind, string path, IReadOnlyDictionary<string, string> options)
    {
        await using var file = File.OpenRead(path);
        var metadata = new UploadImportMetadata { Kind = kind, SourceFileName = Path.GetFileName(path) };
        metadata.Options.Add(options.ToDictionary());
        return await client.Imports.UploadImportAsync(metadata, file, deadline: DateTime.UtcNow.Add(LongCall), cancellationToken: cancellationToken);
    }

    private void Summarize(Import import, string what)
    {
        output.WriteLine(import.State == ImportState.Failed
            ? $"{what} of import {import.ImportId} failed: {import.Failure}"
            : $"{what} of import {import.ImportId} ({import.Kind}, {import.SourceFileName}): {import.State.ToString().ToLowerInvariant()}; " +
              $"{import.CreatedCount} created, {import.UpdatedCount} updated, {import.UnchangedCount} unchanged, {import.RejectedCount} rejected; plan hash {import.PlanHash}");
    }

    private void Draw(Import import)
    {
        var state = import.State.ToString().ToLowerInvariant();
        var rate = import.RowsPerSecond.ToString("0", CultureInfo.InvariantCulture);
        var eta = import.EtaSeconds > 0 ? TimeSpan.FromSeconds(Math.Ceiling(import.EtaSeconds)).ToString(@"m\:ss", CultureInfo.InvariantCulture) : "-";
        // While planning, the total is estimated from the bytes read so far.
        var counts = import.RowsTotal > 0 ? $"{import.RowsDone}/{(import.State == ImportState.Planning ? "~" : "")}{import.RowsTotal}" : $"{import.RowsDone}";
        if (!terminal)
        {
            progress.WriteLine($"{state}: {counts} rows, {rate} rows/s, ETA {eta}");
            return;
        }

        const int width = 30;
        var filled = import.RowsTotal > 0 ? (int)(width * Math.Min(1, (double)import.RowsDone / import.RowsTotal)) : 0;
        progress.Write($"\r{state,-10} [{new string('#', filled)}{new string('.', width - filled)}] {counts} rows  {rate} rows/s  ETA {eta}   ");
    }
}
