namespace Pilotdeck.Guardian.Configuration;

/// <summary>Case-insensitive <c>*</c>/<c>?</c> wildcard matching for names and paths.</summary>
public static class Glob
{
    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/>; <c>*</c> also crosses <c>/</c>.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    /// <summary>A path filter: a glob when it has wildcards, else a directory or file prefix.</summary>
    public static bool PathMatches(string filter, string path)
    {
        var f = filter.Replace('\\', '/').TrimStart('.', '/');
        if (f.Contains('*') || f.Contains('?'))
        {
            return IsMatch(f, path);
        }
        f = f.TrimEnd('/');
        return path.Equals(f, StringComparison.OrdinalIgnoreCase) ||
               path.StartsWith(f + "/", StringComparison.OrdinalIgnoreCase);
    }
}
