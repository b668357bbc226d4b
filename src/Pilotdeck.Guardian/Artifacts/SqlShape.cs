using System.Text.RegularExpressions;

namespace Pilotdeck.Guardian.Artifacts;

/// <summary>Coarse facts about a model's SQL, read from its <c>raw_code</c> without parsing it.</summary>
internal static partial class SqlShape
{
    /// <summary>
    /// True when the SQL keeps only some rows (WHERE, QUALIFY, HAVING or LIMIT outside comments and Jinja).
    /// A filtered model (recent_orders, first_diagnosis) owns its key but not every key value, so a
    /// relationships test pointed at it would fail on rows the filter dropped.
    /// </summary>
    public static bool IsFiltered(string? rawCode)
    {
        if (string.IsNullOrEmpty(rawCode))
        {
            return false;
        }
        var code = Comments().Replace(rawCode, " ");
        code = Jinja().Replace(code, " ");
        return RowFilter().IsMatch(code);
    }

    /// <summary>The identifiers in a SQL expression outside string literals, lower-cased.</summary>
    public static IEnumerable<string> Identifiers(string expression) =>
        Identifier().Matches(StringLiteral().Replace(expression, " ")).Select(m => m.Value.ToLowerInvariant());

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"(?<![\w.$])[A-Za-z_][A-Za-z0-9_$]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/|\{#.*?#\}", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"\{[{%].*?[%}]\}", RegexOptions.Singleline)]
    private static partial Regex Jinja();

    [GeneratedRegex(@"\b(where|qualify|having|limit)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RowFilter();
}
