using System.Text.RegularExpressions;

namespace Pilotdeck.Contracts.Csv;

/// <summary>
/// Cells of a CSV meant for spreadsheets and CRMs, for the server's exports and the CLI's csv
/// output alike. A cell starting with =, +, -, @, a tab or a carriage return is run as a formula
/// when the file is opened (CSV injection), so it gets a leading apostrophe, which spreadsheets
/// show as text. Plain numbers (an E.164 phone "+86…",
/// "-3") are left alone: they compute nothing, and escaping them would corrupt the data.
/// </summary>
public static partial class SpreadsheetCells
{
    /// <summary>The value as a spreadsheet will show it, never run it.</summary>
    public static string Safe(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(value) ? "'" + value : value;

    [GeneratedRegex(@"^[+-]?[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
