namespace Pilotdeck.Guardian.Artifacts;

/// <summary>Column-name comparison rules shared by the reader, coverage and gap detection.</summary>
public static class ColumnName
{
    /// <summary>Removes one layer of identifier quoting (<c>"x"</c>, <c>`x`</c>, <c>[x]</c>, <c>'x'</c>) and surrounding blanks.</summary>
    public static string StripQuotes(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length >= 2)
        {
            var (first, last) = (trimmed[0], trimmed[^1]);
            if ((first == '"' && last == '"') || (first == '`' && last == '`') ||
                (first == '[' && last == ']') || (first == '\'' && last == '\''))
            {
                return trimmed[1..^1];
            }
        }
        return trimmed;
    }

    /// <summary>
    /// The comparison key: unquoted and lower-case. Warehouses fold unquoted identifiers
    /// (Snowflake upper-cases, Postgres lower-cases), so YAML, tests and catalog disagree on case.
    /// </summary>
    public static string Normalize(string name) => StripQuotes(name).ToLowerInvariant();

    /// <summary>True for a plain column name; false for an expression such as <c>a || '-' || b</c>.</summary>
    public static bool IsIdentifier(string name)
    {
        var bare = StripQuotes(name);
        return bare.Length > 0 && bare.All(c => char.IsLetterOrDigit(c) || c is '_' or '$');
    }
}
