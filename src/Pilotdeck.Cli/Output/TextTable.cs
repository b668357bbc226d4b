using System.Text;
using Wcwidth;

namespace Pilotdeck.Cli.Output;

/// <summary>How a text table looks: the CLI's lists, or the figures of a report (Guardian).</summary>
internal enum TableStyle
{
    /// <summary>Upper-case headers, every column left-aligned, as kubectl and docker print lists.</summary>
    List,

    /// <summary>Headers as given over a rule of dashes; numeric columns right-aligned (in Markdown too), so figures line up.</summary>
    Report,
}

/// <summary>
/// Every text and Markdown table the CLI prints. Widths are terminal columns, not chars (a Chinese
/// alias takes two per character), and a table on a terminal is cut to fit its width.
/// </summary>
internal static class TextTable
{
    /// <summary>A column is never cut narrower than this: short columns (states, counts, dates) stay whole.</summary>
    private const int NarrowestCut = 24;

    /// <param name="keepWhole">Headers of columns never cut to fit, besides ids: what a reader copies into the next command.</param>
    /// <param name="columns">The line width to fit; default: the terminal's when <paramref name="output"/> is one, else no limit.</param>
    public static void Write(
        TextWriter output,
        bool markdown,
        IReadOnlyList<string> headers,
        IReadOnlyList<IReadOnlyList<string>> rows,
        TableStyle style = TableStyle.List,
        IReadOnlyCollection<string>? keepWhole = null,
        int? columns = null)
    {
        var rightAligned = headers.Select((_, i) => style == TableStyle.Report && i > 0 && IsNumeric(rows, i)).ToArray();
        if (markdown)
        {
            output.WriteLine("| " + string.Join(" | ", headers.Select(Cell)) + " |");
            output.WriteLine("|" + string.Concat(rightAligned.Select(right => right ? "---:|" : "---|")));
            foreach (var row in rows)
            {
                output.WriteLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
            }

            return;
        }

        var widths = headers.Select((h, i) => rows.Select(r => Width(r[i])).Append(Width(h)).Max()).ToArray();
        var cuttable = headers.Select(h => !IsId(h) && keepWhole?.Contains(h) != true).ToArray();
        var fitted = FitToWidth(widths, cuttable, columns ?? TerminalColumns(output));
        output.WriteLine(Line(style == TableStyle.List ? headers.Select(h => h.ToUpperInvariant()).ToList() : headers));
        if (style == TableStyle.Report)
        {
            output.WriteLine(string.Join("  ", fitted.Select(w => new string('-', w))));
        }

        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }

        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((c, i) => Padded(Clip(c, fitted[i]), i == cells.Count - 1 && !rightAligned[i] ? 0 : fitted[i], rightAligned[i]))).TrimEnd();

        static string Padded(string text, int width, bool right)
        {
            var padding = new string(' ', Math.Max(0, width - Width(text)));
            return right ? padding + text : text + padding;
        }

        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
    }

    /// <summary>A column of figures: every cell a number, a signed change, a ratio such as "3/4", or "n/a".</summary>
    private static bool IsNumeric(IReadOnlyList<IReadOnlyList<string>> rows, int column) =>
        rows.Count > 0 && rows.All(r => r[column] == "n/a" || (r[column].Length > 0 && (char.IsAsciiDigit(r[column][0]) || r[column][0] is '+' or '-' or '±')));

    /// <summary>The terminal columns <paramref name="text"/> takes: two for a wide (East Asian) character, none for a combining mark.</summary>
    private static int Width(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += Math.Max(0, UnicodeCalculator.GetWidth(rune));
        }

        return width;
    }

    /// <summary><paramref name="text"/> within <paramref name="width"/> terminal columns, ending in "…" when cut.</summary>
    private static string Clip(string text, int width)
    {
        if (Width(text) <= width)
        {
            return text;
        }

        var clipped = new StringBuilder();
        var used = 1; // the "…"
        foreach (var rune in text.EnumerateRunes())
        {
            var next = Math.Max(0, UnicodeCalculator.GetWidth(rune));
            if (used + next > width)
            {
                break;
            }

            clipped.Append(rune.ToString());
            used += next;
        }

        return clipped.Append('…').ToString();
    }

    /// <summary>
    /// Column widths that fit a line of <paramref name="columns"/> characters: the widest column is
    /// cut a character at a time (its cells then end in "…") until the table fits or no column is
    /// left to cut. Columns not <paramref name="cuttable"/> are never cut, nor any column below
    /// <see cref="NarrowestCut"/>; a table that cannot fit keeps every character and wraps. Null columns (not a terminal) leave
    /// the widths as they are, so a pipe or a file gets every character.
    /// </summary>
    private static int[] FitToWidth(int[] widths, bool[] cuttable, int? columns)
    {
        var fitted = (int[])widths.Clone();
        if (columns is not { } available)
        {
            return fitted;
        }

        while (!Fits(fitted))
        {
            var widest = -1;
            for (var i = 0; i < fitted.Length; i++)
            {
                if (cuttable[i] && fitted[i] > NarrowestCut && (widest < 0 || fitted[i] > fitted[widest]))
                {
                    widest = i;
                }
            }

            if (widest < 0)
            {
                break;
            }

            fitted[widest]--;
        }

        // Cut text that wraps all the same would lose characters for nothing.
        return Fits(fitted) ? fitted : widths;

        bool Fits(int[] w) => w.Sum() + (2 * (w.Length - 1)) <= available;
    }

    private static bool IsId(string header) =>
        header.Equals("id", StringComparison.OrdinalIgnoreCase) || header.EndsWith("_id", StringComparison.OrdinalIgnoreCase);

    /// <summary>The terminal's width when <paramref name="output"/> is the console and the console a terminal; else null.</summary>
    private static int? TerminalColumns(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            return null;
        }

        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
