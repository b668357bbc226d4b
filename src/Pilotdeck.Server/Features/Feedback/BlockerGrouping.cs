using System.Globalization;
using System.Text;

namespace Pilotdeck.Server.Features.Feedback;

/// <summary>
/// How near-duplicate blockers are found (docs/feedback.md, "Grouping blockers"). Two steps:
/// <list type="number">
/// <item>a <b>key</b> stored with each blocker: Unicode NFKC, lower case, punctuation to spaces,
/// common English filler words dropped, a plain plural -s/-es folded, words sorted — so "Export to
/// CSV fails!" and "CSV export fails" share the key "csv export fail";</item>
/// <item>keys that are still <b>similar</b> — the Sørensen–Dice coefficient of their character
/// bigrams (spaces removed) at least <see cref="Threshold"/> — join the group of the most reported
/// one, catching typos ("loggin fails") in any script, Chinese included.</item>
/// </list>
/// The threshold is high on purpose: "import fails" and "export fails" stay apart.
/// </summary>
public static class BlockerGrouping
{
    public const double Threshold = 0.9;

    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "to", "of", "in", "on", "at", "for", "and", "or",
        "it", "its", "this", "that", "with", "i", "my", "me", "we", "our", "us", "you", "your", "please", "very", "really", "just",
    };

    /// <summary>The grouping key of a blocker's text; empty only for text without letters or digits.</summary>
    public static string Key(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var spaced = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            spaced.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }

        var words = spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = words.Where(w => !Filler.Contains(w)).Select(Singular).ToList();
        return string.Join(' ', (kept.Count > 0 ? kept : [.. words]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Merges keys (most reported first) into groups: a key joins the first group whose leading key
    /// it is similar to, else leads a new one. Deterministic for the same input order.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<T>> Merge<T>(IReadOnlyList<T> byCountDescending, Func<T, string> keyOf)
    {
        var groups = new List<(HashSet<string> Bigrams, List<T> Members)>();
        foreach (var item in byCountDescending)
        {
            var bigrams = Bigrams(keyOf(item));
            var home = groups.FirstOrDefault(g => Dice(g.Bigrams, bigrams) >= Threshold);
            if (home.Members is null)
            {
                groups.Add((bigrams, [item]));
            }
            else
            {
                home.Members.Add(item);
            }
        }

        return [.. groups.Select(g => (IReadOnlyList<T>)g.Members)];
    }

    public static double Similarity(string keyA, string keyB) => Dice(Bigrams(keyA), Bigrams(keyB));

    private static double Dice(HashSet<string> a, HashSet<string> b) =>
        a.Count + b.Count == 0 ? 1 : 2.0 * a.Count(b.Contains) / (a.Count + b.Count);

    private static HashSet<string> Bigrams(string key)
    {
        var letters = key.Replace(" ", "", StringComparison.Ordinal);
        var bigrams = new HashSet<string>(StringComparer.Ordinal);
        var elements = StringInfo.GetTextElementEnumerator(letters);
        string? previous = null;
        while (elements.MoveNext())
        {
            var current = elements.GetTextElement();
            if (previous is not null)
            {
                bigrams.Add(previous + current);
            }

            previous = current;
        }

        if (bigrams.Count == 0 && previous is not null)
        {
            bigrams.Add(previous);
        }

        return bigrams;
    }

    // "crashes" → "crash", "fails" → "fail"; "class", "bus" and short words stay.
    private static string Singular(string word) =>
        word.Length <= 3 || !word.EndsWith('s') || word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal) ? word
        : word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal) ? word[..^2]
        : word[..^1];
}
