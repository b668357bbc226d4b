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
        var near = Spelling.Nearest(name, NamesOf(message).Keys);
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
}
