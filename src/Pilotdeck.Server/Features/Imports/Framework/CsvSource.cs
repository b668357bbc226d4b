using System.Text;
using nietras.SeparatedValues;
using Pilotdeck.Contracts.Api.V1;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>
/// Reads an import's CSV with Sep (ADR 0014): comma-separated, UTF-8 with or without BOM, CRLF or
/// LF, RFC 4180 quoting. The header is matched to the importer's columns (case-insensitive, with
/// aliases; unknown columns are ignored). A row that cannot be read as CSV — an unterminated
/// quote, a column count other than the header's — comes back <see cref="SourceRow.Malformed"/>,
/// to be rejected like any invalid row; reading goes on. Streams: one row in memory at a time.
/// </summary>
public sealed class CsvSource : IDisposable
{
    private readonly SepReader _reader;
    private readonly int[] _columnIndex;
    private long _rowNumber;

    private CsvSource(SepReader reader, IReadOnlyList<string> header, int[] columnIndex, IReadOnlyList<ImportColumn> columns)
    {
        _reader = reader;
        Header = header;
        _columnIndex = columnIndex;
        Columns = columns;
    }

    /// <summary>The file's own header cells, as written.</summary>
    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<ImportColumn> Columns { get; }

    /// <summary>Opens the file and checks its header: INVALID_ARGUMENT / IMPORT_HEADER_INVALID when it does not fit.</summary>
    public static CsvSource Open(Stream stream, IReadOnlyList<ImportColumn> columns)
    {
        var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var reader = Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = false }).From(text);
        try
        {
            if (!reader.MoveNext())
            {
                throw HeaderInvalid(new FieldViolation("header", "the file is empty: the first line must name the columns"));
            }

            var header = Cells(reader.Current, out var malformed);
            if (malformed is not null)
            {
                throw HeaderInvalid(new FieldViolation("header", malformed));
            }

            return new CsvSource(reader, header, MapColumns(header, columns), columns);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The next data row, or null at the end. Blank lines are skipped and not counted.</summary>
    public SourceRow? Next()
    {
        while (_reader.MoveNext())
        {
            var row = _reader.Current;
            if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty)
            {
                continue;
            }

            _rowNumber++;
            var cells = Cells(row, out var malformed);
            if (malformed is null && cells.Length != Header.Count)
            {
                malformed = $"has {cells.Length} columns, the header has {Header.Count}";
            }

            var values = new string?[Columns.Count];
            for (var i = 0; i < Columns.Count; i++)
            {
                var at = _columnIndex[i];
                values[i] = at >= 0 && at < cells.Length ? cells[at].Trim() : null;
            }

            return new SourceRow(_rowNumber, Columns, values, cells, malformed);
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();

    private static int[] MapColumns(IReadOnlyList<string> header, IReadOnlyList<ImportColumn> columns)
    {
        var index = new int[columns.Count];
        var violations = new List<FieldViolation>();
        for (var i = 0; i < columns.Count; i++)
        {
            var matches = header.Select((h, at) => (h, at)).Where(x => columns[i].Matches(x.h.Trim())).ToList();
            index[i] = matches.Count > 0 ? matches[0].at : -1;
            if (matches.Count > 1)
            {
                violations.Add(new FieldViolation("header", $"column '{columns[i].Name}' appears {matches.Count} times ({string.Join(", ", matches.Select(m => m.h))})"));
            }
            else if (matches.Count == 0 && columns[i].Required)
            {
                var names = columns[i].Aliases.Length == 0 ? "" : $" (or {string.Join(", ", columns[i].Aliases)})";
                violations.Add(new FieldViolation("header", $"required column '{columns[i].Name}'{names} is missing"));
            }
        }

        if (violations.Count == 0 && index.All(at => at < 0))
        {
            violations.Add(new FieldViolation("header", $"names none of the importer's columns ({string.Join(", ", columns.Select(c => c.Name))})"));
        }

        // Spreadsheets in many locales save "CSV" with semicolons (or tabs): the header is then one cell.
        if (header.Count == 1 && header[0].IndexOfAny([';', '\t']) is var at and >= 0)
        {
            var separator = header[0][at] == ';' ? "semicolons" : "tabs";
            violations.Add(new FieldViolation("header", $"is one column with {separator} in it: the file looks separated by {separator}; save it as comma-separated CSV (in Excel: CSV UTF-8)"));
        }

        return violations.Count > 0 ? throw HeaderInvalid([.. violations]) : index;
    }

    private static RpcException HeaderInvalid(params FieldViolation[] violations) =>
        ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.ImportHeaderInvalid,
            "The CSV header does not fit the importer: " + string.Join("; ", violations.Select(v => v.Description)), violations: violations);

    /// <summary>The row's cells, quotes removed; <paramref name="malformed"/> says why it is not valid CSV.</summary>
    private static string[] Cells(SepReader.Row row, out string? malformed)
    {
        malformed = null;
        var cells = new string[row.ColCount];
        for (var i = 0; i < cells.Length; i++)
        {
            var raw = row[i].Span;
            if (raw.Length > 0 && raw[0] == '"')
            {
                if (raw.Length < 2 || raw[^1] != '"' || !Unquote(raw[1..^1], out var value))
                {
                    malformed ??= $"column {i + 1} opens a quote that is not closed properly (lines {row.LineNumberFrom}-{row.LineNumberToExcl - 1})";
                    cells[i] = raw.ToString();
                    continue;
                }

                cells[i] = value;
            }
            else
            {
                cells[i] = raw.ToString();
            }
        }

        return cells;
    }

    // Inside quotes a quote must be doubled; a lone one means the quoting is broken.
    private static bool Unquote(ReadOnlySpan<char> inner, out string value)
    {
        var sb = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '"')
            {
                if (i + 1 >= inner.Length || inner[i + 1] != '"')
                {
                    value = "";
                    return false;
                }

                i++;
            }

            sb.Append(inner[i]);
        }

        value = sb.ToString();
        return true;
    }
}

/// <summary>One data row of the file: its number (1-based, header excluded), values by importer column, and the raw cells.</summary>
public sealed class SourceRow(long rowNumber, IReadOnlyList<ImportColumn> columns, string?[] values, string[] cells, string? malformed)
{
    public long RowNumber { get; } = rowNumber;

    /// <summary>Why the row is not valid CSV; null when it is.</summary>
    public string? Malformed { get; } = malformed;

    /// <summary>The file's cells as read, for the failed-rows file.</summary>
    public IReadOnlyList<string> Cells { get; } = cells;

    /// <summary>The trimmed values of the importer's columns, in their order (null: not in the file).</summary>
    public IReadOnlyList<string?> Values => values;

    /// <summary>The trimmed value of a column (by canonical name); null when the file lacks the column or the cell is empty.</summary>
    public string? this[string column]
    {
        get
        {
            for (var i = 0; i < columns.Count; i++)
            {
                if (columns[i].Name == column)
                {
                    return string.IsNullOrEmpty(values[i]) ? null : values[i];
                }
            }

            throw new ArgumentException($"'{column}' is not a column of this importer.", nameof(column));
        }
    }
}
