namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>What a slip of the keyboard most likely meant: for field names, query parameters and route paths.</summary>
internal static class Spelling
{
    /// <summary>The known name a slip of the keyboard most likely meant: same letters in another case, or at most a third of them wrong.</summary>
    public static string? Nearest(string name, IEnumerable<string> known) => known
        .Where(candidate => Math.Abs(candidate.Length - name.Length) <= Reach(name)) // no distance is computed for a name of another length
        .Select(candidate => (candidate, distance: string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name, candidate)))
        .Where(c => c.distance <= Reach(name))
        .OrderBy(c => c.distance)
        .Select(c => c.candidate)
        .FirstOrDefault();

    /// <summary>How many edits still count as a slip: a third of the letters, at least one.</summary>
    public static int Reach(string name) => Math.Max(1, name.Length / 3);

    /// <summary>Edits from one name to the other (insert, delete, replace, swap two neighbours: "valeu" is one from "value").</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            for (var j = 0; j <= b.Length; j++)
            {
                d[i, j] = i == 0 || j == 0 ? i + j
                    : Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
