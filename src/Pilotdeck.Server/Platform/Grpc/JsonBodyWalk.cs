using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Follows a JSON route's body token by token against the protobuf message the transcoder reads it
/// into, and names each value that does not fit: a field the message lacks (the transcoder
/// skips those without a word, so a misspelt <c>dry_run</c> would commit), a value of the wrong JSON
/// type, an enum name the enum lacks, a second member of one oneof. Everything the transcoder reads
/// passes: fields by proto or JSON name, 32-bit integers as numbers, 64-bit ones as numbers or
/// strings, floats as numbers or "NaN"/"Infinity", enums by name or number, null for any value.
/// Where its rule is looser than that list (a timestamp's text, a map key) the value passes and the
/// transcoder decides. Free-form values (Struct, Value, ListValue, Any) are skipped whole, and so is
/// a value that does not fit, so that the walk goes on to name the next problem.
/// </summary>
internal sealed class JsonBodyWalk
{
    /// <summary>The value of a field already refused: any JSON, not looked into.</summary>
    private static readonly JsonShape Skipped = new(JsonKind.Free);

    private readonly Stack<Frame> open = new();
    private Expected? next;
    private int freeDepth = -1;

    private JsonBodyWalk(Expected root) => next = root;

    /// <summary>A walk over a body read into <paramref name="request"/>: the whole message when the rule's body is "*", else its field of that name.</summary>
    public static JsonBodyWalk? For(MessageDescriptor request, string body)
    {
        if (body == "*")
        {
            return new JsonBodyWalk(new Expected(JsonShape.OfMessage(request), ""));
        }

        var field = request.FindFieldByName(body);
        return field is null ? null : new JsonBodyWalk(new Expected(JsonShape.Of(field), field.Name));
    }

    /// <summary>Takes the reader's current token; returns what is wrong with it (and where, as a field path), or null. After a problem the walk skips the value and carries on.</summary>
    public (string Path, string Problem)? Step(ref Utf8JsonReader reader)
    {
        var token = reader.TokenType;
        if (freeDepth >= 0)
        {
            if (reader.CurrentDepth == freeDepth && token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                freeDepth = -1;
            }

            return null;
        }

        switch (token)
        {
            case JsonTokenType.Comment:
                return null;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                open.Pop();
                return null;
            case JsonTokenType.PropertyName:
                return Name(open.Peek(), reader.GetString()!);
        }

        var expected = ExpectedValue();
        var problem = Fits(expected.Shape, ref reader);
        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            if (problem is not null || expected.Shape.IsFree)
            {
                freeDepth = reader.CurrentDepth;
            }
            else
            {
                open.Push(new Frame(expected.Shape, expected.Path));
            }
        }

        return problem is null ? null : (expected.Path, problem);
    }

    private Expected ExpectedValue()
    {
        if (open.TryPeek(out var frame) && frame.Shape.Kind == JsonKind.List)
        {
            return new Expected(JsonShape.Of(frame.Shape.Field!, element: true), $"{frame.Path}[{frame.Index++}]");
        }

        var expected = next!.Value;
        next = null;
        return expected;
    }

    private (string, string)? Name(Frame frame, string name)
    {
        if (frame.Shape.Kind == JsonKind.Map)
        {
            next = new Expected(JsonShape.Of(frame.Shape.Field!.MessageType.FindFieldByNumber(2)), $"{frame.Path}[{name}]");
            return null;
        }

        var message = frame.Shape.Message!;
        var path = frame.Path.Length == 0 ? name : $"{frame.Path}.{name}";
        if (FieldNames.Find(message, name) is not { } field)
        {
            next = new Expected(Skipped, path);
            return (path, FieldNames.NoSuchField(message, name));
        }

        if (field.RealContainingOneof is { } oneof && !frame.SetOneof(oneof, field, out var earlier))
        {
            next = new Expected(Skipped, path);
            return (path, $"only one field of {oneof.Name} may be set, and \"{earlier}\" is");
        }

        next = new Expected(JsonShape.Of(field), frame.Path.Length == 0 ? field.Name : $"{frame.Path}.{field.Name}");
        return null;
    }

    private static string? Fits(JsonShape shape, ref Utf8JsonReader reader)
    {
        var fits = reader.TokenType switch
        {
            JsonTokenType.Null => true,
            JsonTokenType.StartObject => shape.Kind is JsonKind.Message or JsonKind.Map or JsonKind.FreeObject or JsonKind.Free,
            JsonTokenType.StartArray => shape.Kind is JsonKind.List or JsonKind.FreeList or JsonKind.Free,
            JsonTokenType.True or JsonTokenType.False => shape.Kind is JsonKind.Bool or JsonKind.Free,
            JsonTokenType.Number => shape.Kind switch
            {
                JsonKind.Int32 or JsonKind.Enum => reader.TryGetInt32(out _),
                JsonKind.UInt32 => reader.TryGetUInt32(out _),
                JsonKind.Int64 => reader.TryGetInt64(out _),
                JsonKind.UInt64 => reader.TryGetUInt64(out _),
                JsonKind.Float or JsonKind.Free => true,
                _ => false,
            },
            JsonTokenType.String => shape.Kind switch
            {
                JsonKind.String or JsonKind.Bytes or JsonKind.Text or JsonKind.Free => true,
                JsonKind.Int64 => long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
                JsonKind.UInt64 => ulong.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
                JsonKind.Float => reader.GetString() is "NaN" or "Infinity" or "-Infinity",
                JsonKind.Enum => shape.Enum!.FindValueByName(reader.GetString()) is not null,
                _ => false,
            },
            _ => true,
        };
        if (fits)
        {
            return null;
        }

        if (shape.Kind == JsonKind.Enum && reader.TokenType == JsonTokenType.String)
        {
            var names = shape.Enum!.Values.Select(v => v.Name).ToList();
            return $"\"{reader.GetString()}\" is not a {shape.Enum.Name}: use one of {string.Join(", ", names.Take(12))}{(names.Count > 12 ? ", …" : "")} (or its number)";
        }

        return $"expects {shape.Describe()}, not {Got(ref reader)}";
    }

    private static string Got(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => $"the string \"{Clip(reader.GetString()!)}\"",
        JsonTokenType.Number => $"the number {Clip(System.Text.Encoding.UTF8.GetString(reader.ValueSpan))}",
        _ => reader.TokenType == JsonTokenType.True ? "true" : "false",
    };

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private readonly record struct Expected(JsonShape Shape, string Path);

    /// <summary>An object or array being walked: a message, a map or a repeated field.</summary>
    private sealed class Frame(JsonShape shape, string path)
    {
        private Dictionary<OneofDescriptor, string>? oneofs;

        public JsonShape Shape { get; } = shape;

        public string Path { get; } = path;

        public int Index { get; set; }

        public bool SetOneof(OneofDescriptor oneof, FieldDescriptor field, out string? earlier)
        {
            oneofs ??= [];
            if (oneofs.TryGetValue(oneof, out earlier) && earlier != field.Name)
            {
                return false;
            }

            oneofs[oneof] = field.Name;
            return true;
        }
    }
}
