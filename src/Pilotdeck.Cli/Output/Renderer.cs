using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using nietras.SeparatedValues;
using Pilotdeck.Contracts.Csv;

namespace Pilotdeck.Cli.Output;

public enum OutputFormat
{
    Table,

    /// <summary>A table with every column, also those a list leaves out to fit a terminal (hashes, full actor ids).</summary>
    Wide,
    Json,
    Markdown,
    Csv,
}

/// <summary>One column of output: a snake_case name (the JSON key and the table header) and how to read it from an item.</summary>
/// <param name="Wide">Left out of a list's default table (shown by <c>-o wide</c>, a single record, Markdown, JSON and CSV): what few read in a list and many columns would wrap for.</param>
public sealed record Column<T>(string Name, Func<T, object?> Value, bool Wide = false);

/// <summary>
/// The one place the API commands format results. A list renders as an aligned text table, a
/// Markdown table, or a JSON array of objects; a single record as a two-column field/value table
/// or a JSON object. Values: strings, numbers, booleans, enums (snake_case names), timestamps
/// (ISO 8601, UTC) and string lists (joined in tables, arrays in JSON). A list's text and Markdown
/// tables leave out columns empty in every row, and its default table the wide ones; JSON keeps every
/// column, empty ones as null, and CSV every column, so scripts can rely on the keys.
/// </summary>
public static class Renderer
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>--output table|wide|json|markdown|csv</c> (<c>-o</c>), default table: a list's rows, or one record as a row.</summary>
    /// <param name="withCsv">False for a command whose output is not rows (a YAML document, a report in prose): no wide, no csv.</param>
    public static Option<string> CreateOption(bool withCsv = true)
    {
        string[] formats = withCsv ? ["table", "wide", "json", "markdown", "csv"] : ["table", "json", "markdown"];
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: " + string.Join(", ", formats[..^1]) + " or " + formats[^1] + ".",
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    /// <summary>The format chosen with an option made by <see cref="CreateOption"/>.</summary>
    public static OutputFormat FormatOf(ParseResult parse, Option<string> option) => parse.GetValue(option) switch
    {
        "wide" => OutputFormat.Wide,
        "json" => OutputFormat.Json,
        "markdown" => OutputFormat.Markdown,
        "csv" => OutputFormat.Csv,
        _ => OutputFormat.Table,
    };

    public static void List<T>(TextWriter output, OutputFormat format, IEnumerable<T> items, IReadOnlyList<Column<T>> columns, string? emptyMessage = null)
    {
        var rows = items.ToList();
        if (format == OutputFormat.Json)
        {
            WriteJson(output, writer =>
            {
                writer.WriteStartArray();
                foreach (var item in rows)
                {
                    WriteObject(writer, item, columns);
                }

                writer.WriteEndArray();
            });
            return;
        }

        if (format == OutputFormat.Csv)
        {
            WriteCsv(output, columns.Select(c => c.Name).ToList(), rows.Select(item => columns.Select(c => CsvText(c.Value(item))).ToList()));
            return;
        }

        if (rows.Count == 0 && emptyMessage is not null)
        {
            output.WriteLine(emptyMessage);
            return;
        }

        var cells = rows.Select(item => columns.Select(c => Text(c.Value(item))).ToList()).ToList();
        // A column empty in every row tells a reader nothing and costs a table its fit on the terminal
        // (a new cohort's reply and erase times); JSON and CSV keep it, for scripts that rely on it.
        var shown = Enumerable.Range(0, columns.Count)
            .Where(i => (format != OutputFormat.Table || !columns[i].Wide) && (cells.Count == 0 || cells.Any(row => row[i].Length > 0)))
            .ToList();
        TextTable.Write(
            output,
            format == OutputFormat.Markdown,
            shown.Select(i => columns[i].Name).ToList(),
            cells.Select(row => (IReadOnlyList<string>)shown.Select(i => row[i]).ToList()).ToList());
    }

    public static void Record<T>(TextWriter output, OutputFormat format, T item, IReadOnlyList<Column<T>> columns)
    {
        if (format == OutputFormat.Json)
        {
            WriteJson(output, writer => WriteObject(writer, item, columns));
            return;
        }

        if (format == OutputFormat.Csv)
        {
            WriteCsv(output, columns.Select(c => c.Name).ToList(), [columns.Select(c => CsvText(c.Value(item))).ToList()]);
            return;
        }

        TextTable.Write(output, format == OutputFormat.Markdown, ["field", "value"], columns.Select(c => (IReadOnlyList<string>)[c.Name, Text(c.Value(item))]).ToList());
    }

    /// <summary>RFC 4180 CSV with a header row; every cell spreadsheet-safe (see SpreadsheetCells).</summary>
    private static void WriteCsv(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(output, leaveOpen: true);
        writer.Header.Add([.. headers]);
        foreach (var cells in rows)
        {
            using var row = writer.NewRow();
            for (var i = 0; i < headers.Count; i++)
            {
                row[headers[i]].Set(SpreadsheetCells.Safe(cells[i]));
            }
        }
    }

    // Lists keep their separator in CSV: a tags cell reads "vip|wechat", as the importers expect.
    private static string CsvText(object? value) => value is not string && value is IEnumerable<string> list ? string.Join('|', list) : Text(value);

    private static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            write(writer);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteObject<T>(Utf8JsonWriter writer, T item, IReadOnlyList<Column<T>> columns)
    {
        writer.WriteStartObject();
        foreach (var column in columns)
        {
            writer.WritePropertyName(column.Name);
            WriteValue(writer, column.Value(item));
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
            case Enum e when IsUnset(e):
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case DateTimeOffset or DateTime or Enum:
                writer.WriteStringValue(Text(value));
                break;
            case IEnumerable<string> list:
                writer.WriteStartArray();
                foreach (var entry in list)
                {
                    writer.WriteStringValue(entry);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    // A proto enum's zero is its UNSPECIFIED value: nothing was set, so nothing is shown.
    private static bool IsUnset(Enum value) => Convert.ToInt64(value, CultureInfo.InvariantCulture) == 0;

    private static string Text(object? value) => value switch
    {
        null => "",
        Enum e when IsUnset(e) => "",
        string s => s,
        bool b => b ? "yes" : "no",
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTime t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        // RequireApproval → require_approval: the proto value's name without its prefix, as the docs write it.
        Enum e => System.Text.RegularExpressions.Regex.Replace(e.ToString(), "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant(),
        IEnumerable<string> list => string.Join(", ", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
