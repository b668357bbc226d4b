using System.Text;
using Pilotdeck.Guardian.Gaps;

namespace Pilotdeck.Guardian.Generation;

/// <summary>
/// Writes gaps Guardian could not complete (no known owner of a foreign key, no known values) as
/// a commented block at the end of the file: comments are valid anywhere, so `dbt parse` never
/// meets a placeholder, and the engineer sees what to fill in next to the tests that were added.
/// </summary>
internal static class IncompleteTests
{
    public static string Append(string text, IReadOnlyList<Gap> gaps, YamlDialect dialect)
    {
        if (gaps.Count == 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.TrimEnd('\n', '\r'));
        if (sb.Length == 0)
        {
            sb.Append("version: 2\n");
        }
        else
        {
            sb.Append('\n');
        }
        sb.Append("\n# Guardian: tests to complete by hand (commented out so `dbt parse` keeps working)\n");
        foreach (var gap in gaps)
        {
            var location = gap.ModelLevel ? $"model {gap.Model}" : $"{gap.Model}.{gap.Column}";
            SchemaYamlWriter.Commented(sb, location, new TestSpec(gap.Test, gap.Arguments), gap.FillIn!, dialect);
        }
        return text.Contains("\r\n", StringComparison.Ordinal) ? sb.ToString().Replace("\n", "\r\n", StringComparison.Ordinal) : sb.ToString();
    }
}
