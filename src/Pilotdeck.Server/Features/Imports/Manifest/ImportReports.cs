using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Imports;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Transparency.Dsse;

namespace Pilotdeck.Server.Features.Imports.Manifest;

/// <summary>
/// What a plan with rejected rows hands back: the signed error manifest (a DSSE envelope over the
/// JSON in docs/imports.md) and the failed rows as CSV, the file's own columns plus <c>reason</c>.
/// </summary>
public sealed class ImportReports(PilotdeckDbContext db, ITenantContext tenant, InstallationKeys keys, ImporterCatalog catalog)
{
    public const string PayloadType = "application/vnd.pilotdeck.import-manifest+json";

    public async Task<DsseEnvelope> ManifestAsync(ImportRecord import, CancellationToken cancellationToken)
    {
        EnsureRejections(import);
        var rejected = await db.ImportRows.AsNoTracking()
            .OfImport(import.Id, RowOutcomes.Rejected)
            .OrderBy(r => r.RowNumber)
            .Select(r => new ManifestRow(r.RowNumber, r.Field, r.Reason))
            .ToListAsync(cancellationToken);
        var manifest = new ImportManifest(1, tenant.TenantId!, import.Id, import.Kind, import.SourceFileName, import.SourceSha256, import.PlanHash ?? "",
            import.CreatedCount, import.UpdatedCount, import.UnchangedCount, import.RejectedCount, rejected);
        var payload = JsonSerializer.SerializeToUtf8Bytes(manifest);
        return DsseEnvelope.Sign(PayloadType, payload, await keys.SigningKeyAsync(InstallationKeys.ImportManifestPurpose, cancellationToken));
    }

    /// <summary>
    /// The rejected rows as read from the stored file, with a <c>reason</c> column; formula-like
    /// cells escaped. A row rejected for its column count keeps every cell it had: a short one is
    /// padded, and the cells of a long one past the header go under <c>extra_1</c>, <c>extra_2</c>…
    /// (which an import ignores), so the reasons stay in one column.
    /// </summary>
    public async Task<byte[]> FailedRowsCsvAsync(ImportRecord import, CancellationToken cancellationToken)
    {
        EnsureRejections(import);
        var reasons = await db.ImportRows.AsNoTracking()
            .OfImport(import.Id, RowOutcomes.Rejected)
            .ToDictionaryAsync(r => r.RowNumber, r => r.Reason, cancellationToken);
        await using var source = new StoredSource(db, import.Id);
        using var csv = CsvSource.Open(source, catalog.Get(import.Kind).Columns);
        var rejected = new List<(IReadOnlyList<string> Cells, string Reason)>(reasons.Count);
        while (csv.Next() is { } row)
        {
            if (reasons.TryGetValue(row.RowNumber, out var reason))
            {
                rejected.Add((row.Cells, reason));
            }
        }

        var width = rejected.Select(r => r.Cells.Count).Append(csv.Header.Count).Max();
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Sep.New(',').Writer(o => o with { Escape = true, WriteHeader = false }).To(text))
        {
            WriteRow(writer, [.. csv.Header, .. Enumerable.Range(1, width - csv.Header.Count).Select(i => $"extra_{i}"), "reason"]);
            foreach (var (cells, reason) in rejected)
            {
                WriteRow(writer, [.. cells, .. Enumerable.Repeat("", width - cells.Count), reason]);
            }
        }

        // As the file came: a file saved from Excel ("CSV UTF-8") starts with a byte order mark, and
        // Excel needs it back to read the fixed rows' non-ASCII text; a script's file has none.
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return await StartsWithByteOrderMarkAsync(import, cancellationToken) ? [.. Encoding.UTF8.Preamble, .. bytes] : bytes;
    }

    private async Task<bool> StartsWithByteOrderMarkAsync(ImportRecord import, CancellationToken cancellationToken)
    {
        await using var source = new StoredSource(db, import.Id);
        var head = new byte[Encoding.UTF8.Preamble.Length];
        return await source.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken) == head.Length
            && head.AsSpan().SequenceEqual(Encoding.UTF8.Preamble);
    }

    /// <summary>
    /// Neutralises a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) with a leading
    /// single quote, as OWASP's CSV-injection guidance suggests.
    /// </summary>
    public static string EscapeFormula(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;

    private static void WriteRow(SepWriter writer, IReadOnlyList<string> cells)
    {
        using var row = writer.NewRow();
        for (var i = 0; i < cells.Count; i++)
        {
            row[i].Set(EscapeFormula(cells[i]));
        }
    }

    private static void EnsureRejections(ImportRecord import)
    {
        if (import.PlanHash is null || import.RejectedCount == 0)
        {
            throw ApiErrors.Create(StatusCode.FailedPrecondition, ErrorReason.ImportNoRejectedRows,
                import.PlanHash is null ? "The import has no plan yet." : "The plan rejected no rows: there is no error manifest or failed-rows file.",
                new Dictionary<string, string> { ["state"] = import.State });
        }
    }
}

/// <summary>The manifest payload (docs/imports.md): identifiers, hashes and reasons, never the rows' values.</summary>
public sealed record ImportManifest(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("import_id")] string ImportId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("source_file_name")] string SourceFileName,
    [property: JsonPropertyName("source_sha256")] string SourceSha256,
    [property: JsonPropertyName("plan_hash")] string PlanHash,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("updated")] long Updated,
    [property: JsonPropertyName("unchanged")] long Unchanged,
    [property: JsonPropertyName("rejected")] long Rejected,
    [property: JsonPropertyName("rejected_rows")] IReadOnlyList<ManifestRow> RejectedRows);

public sealed record ManifestRow(
    [property: JsonPropertyName("row")] long Row,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("reason")] string Reason);
