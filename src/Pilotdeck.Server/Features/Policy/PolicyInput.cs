using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>
/// What a rule sees: the action, its subject, the caller and the request's attributes. Stored with
/// each decision (as JSON) so a candidate bundle can be re-run against past decisions; it holds
/// roles, scopes and attributes, never personal data.
/// </summary>
public sealed record PolicyInput(
    string Action,
    string Subject,
    string CallerKind,
    string CallerId,
    string? CallerRole,
    IReadOnlyList<string> CallerScopes,
    IReadOnlyDictionary<string, object?> Attributes)
{
    /// <summary>The variables a rule's condition is evaluated with.</summary>
    public Dictionary<string, object?> ToVariables() => new()
    {
        ["action"] = Action,
        ["subject"] = Subject,
        ["caller"] = new Dictionary<string, object?>
        {
            ["kind"] = CallerKind,
            ["id"] = CallerId,
            ["role"] = CallerRole ?? "",
            ["scopes"] = CallerScopes.Cast<object?>().ToList(),
        },
        ["request"] = Attributes.ToDictionary(a => a.Key, a => a.Value),
    };

    public string ToJson() => new JsonObject
    {
        ["action"] = Action,
        ["subject"] = Subject,
        ["caller_kind"] = CallerKind,
        ["caller_id"] = CallerId,
        ["caller_role"] = CallerRole,
        ["caller_scopes"] = new JsonArray([.. CallerScopes.Select(s => (JsonNode?)s)]),
        ["attributes"] = new JsonObject(Attributes.Select(a => KeyValuePair.Create(a.Key, ToNode(a.Value)))),
    }.ToJsonString();

    public static PolicyInput FromJson(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        return new PolicyInput(
            (string)root["action"]!,
            (string)root["subject"]!,
            (string)root["caller_kind"]!,
            (string)root["caller_id"]!,
            (string?)root["caller_role"],
            root["caller_scopes"]!.AsArray().Select(s => (string)s!).ToList(),
            root["attributes"]!.AsObject().ToDictionary(a => a.Key, a => FromNode(a.Value)));
    }

    /// <summary>Converts a JSON value to what the rules see: string, long, double, bool, list or map.</summary>
    public static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonArray array => array.Select(FromNode).ToList(),
        JsonObject map => map.ToDictionary(p => p.Key, p => FromNode(p.Value)),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out var whole) ? whole : value.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Converts a protobuf Struct value (TestPolicy's attributes) to what the rules see; whole numbers become integers.</summary>
    public static object? FromValue(Google.Protobuf.WellKnownTypes.Value value) => value.KindCase switch
    {
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue => value.StringValue,
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.BoolValue => value.BoolValue,
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue when Math.Abs(value.NumberValue) < 1e15 && value.NumberValue == Math.Floor(value.NumberValue) => (long)value.NumberValue,
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue => value.NumberValue,
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.ListValue => value.ListValue.Values.Select(FromValue).ToList(),
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StructValue => value.StructValue.Fields.ToDictionary(f => f.Key, f => FromValue(f.Value)),
        _ => null,
    };

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        long l => l,
        double d => d,
        IEnumerable<object?> list => new JsonArray([.. list.Select(ToNode)]),
        _ => throw new ArgumentException($"Attribute values are strings, integers, doubles, booleans or lists of them, not {value.GetType().Name}."),
    };
}
