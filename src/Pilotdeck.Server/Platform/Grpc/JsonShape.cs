using Google.Protobuf.Reflection;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>What one JSON value must be, as the transcoder reads a field of that type.</summary>
internal readonly record struct JsonShape(JsonKind Kind, MessageDescriptor? Message = null, EnumDescriptor? Enum = null, FieldDescriptor? Field = null)
{
    public bool IsFree => Kind is JsonKind.FreeObject or JsonKind.FreeList or JsonKind.Free;

    public static JsonShape Of(FieldDescriptor field, bool element = false)
    {
        if (field.IsMap && !element)
        {
            return new JsonShape(JsonKind.Map, Field: field);
        }

        if (field.IsRepeated && !element)
        {
            return new JsonShape(JsonKind.List, Field: field);
        }

        return field.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new JsonShape(JsonKind.Int32),
            FieldType.UInt32 or FieldType.Fixed32 => new JsonShape(JsonKind.UInt32),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => new JsonShape(JsonKind.Int64),
            FieldType.UInt64 or FieldType.Fixed64 => new JsonShape(JsonKind.UInt64),
            FieldType.Float or FieldType.Double => new JsonShape(JsonKind.Float),
            FieldType.Bool => new JsonShape(JsonKind.Bool),
            FieldType.String => new JsonShape(JsonKind.String),
            FieldType.Bytes => new JsonShape(JsonKind.Bytes),
            FieldType.Enum => new JsonShape(JsonKind.Enum, Enum: field.EnumType),
            _ => OfMessage(field.MessageType),
        };
    }

    public static JsonShape OfMessage(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask" => new JsonShape(JsonKind.Text, message),
        "google.protobuf.Struct" or "google.protobuf.Any" => new JsonShape(JsonKind.FreeObject),
        "google.protobuf.ListValue" => new JsonShape(JsonKind.FreeList),
        "google.protobuf.Value" => new JsonShape(JsonKind.Free),
        // A wrapper (Int32Value, StringValue, …) reads as its one value; the file, not the name, tells one (EnumValue is no wrapper).
        _ when message.File.Name == "google/protobuf/wrappers.proto" => Of(message.FindFieldByNumber(1)),
        _ => new JsonShape(JsonKind.Message, message),
    };

    public string Describe() => Kind switch
    {
        JsonKind.Message => $"an object ({Message!.Name})",
        JsonKind.List => "an array",
        JsonKind.Map => "an object (a map)",
        JsonKind.Int32 => "a whole number (int32)",
        JsonKind.UInt32 => "a whole number ≥ 0 (uint32)",
        JsonKind.Int64 => "a whole number, or a string of one (int64)",
        JsonKind.UInt64 => "a whole number ≥ 0, or a string of one (uint64)",
        JsonKind.Float => "a number",
        JsonKind.Bool => "true or false",
        JsonKind.String => "a string",
        JsonKind.Bytes => "a base64 string",
        JsonKind.Enum => $"a {Enum!.Name} name or number",
        JsonKind.Text => Message!.Name switch
        {
            "Timestamp" => "an RFC 3339 timestamp string such as \"2026-01-31T09:00:00Z\"",
            "Duration" => "a duration string such as \"90s\"",
            _ => "a string of comma-separated field paths",
        },
        JsonKind.FreeList => "an array",
        _ => "an object",
    };
}

/// <summary>The JSON forms the transcoder reads a field as; Text is a well-known type written as a string, Free* take any JSON of that form.</summary>
internal enum JsonKind { Message, List, Map, Int32, UInt32, Int64, UInt64, Float, Bool, String, Bytes, Enum, Text, FreeObject, FreeList, Free }
