using System.Collections.Concurrent;
using Google.Protobuf.Reflection;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// A message's fields by the names the JSON transcoder reads — the proto name or the JSON name,
/// case-sensitive, the JSON name winning where one field's JSON name is another's proto name — and
/// what to say when a name is none of them.
/// </summary>
internal static class FieldNames
{
    private static readonly ConcurrentDictionary<MessageDescriptor, Dictionary<string, FieldDescriptor>> ByName = new();

    public static FieldDescriptor? Find(MessageDescriptor message, string name) =>
        NamesOf(message).GetValueOrDefault(name);

    /// <summary>"Cohort has no field "targt_size"; did you mean "target_size"?"</summary>
    public static string NoSuchField(MessageDescriptor message, string name)
    {
        var near = Nearest(name, NamesOf(message).Keys);
        return $"{message.Name} has no field \"{name}\"" + (near is null ? "" : $"; did you mean \"{near}\"?");
    }

    private static Dictionary<string, FieldDescriptor> NamesOf(MessageDescriptor message) => ByName.GetOrAdd(message, static m =>
    {
        var names = new Dictionary<string, FieldDescriptor>(StringComparer.Ordinal);
        foreach (var field in m.Fields.InFieldNumberOrder())
        {
            names[field.Name] = field;
        }

        foreach (var field in m.Fields.InFieldNumberOrder())
        {
            names[field.JsonName] = field;
        }

        return names;
    });

    /// <summary>The known name a slip of the keyboard most likely meant: same letters in another case, or at most a third of them wrong.</summary>
    private static string? Nearest(string name, IEnumerable<string> known) => known
        .Select(candidate => (candidate, distance: string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name, candidate)))
        .Where(c => c.distance <= Math.Max(1, name.Length / 3))
        .OrderBy(c => c.distance)
        .Select(c => c.candidate)
        .FirstOrDefault();

    /// <summary>Edits from one name to the other (insert, delete, replace, swap two neighbours: "valeu" is one from "value").</summary>
    private static int Distance(string a, string b)
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
