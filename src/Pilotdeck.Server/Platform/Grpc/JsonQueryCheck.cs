using System.Globalization;
using System.Text.RegularExpressions;
using HttpRule = Google.Api.HttpRule;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.Extensions.Primitives;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// Checks a JSON route's query string as the transcoder binds it — each name a field path of the
/// request (proto or JSON names, dotted), for fields neither the path nor the body sets — and
/// answers QUERY_PARAMETER_INVALID for every parameter it would drop without a word (a misspelt
/// filter lists everything) or refuse with a bare "The input string 'abc' was not in a correct
/// format." (no parameter named): the first in the message, each in a field violation. Values are
/// read by the transcoder's rules; where a rule is looser than a check here could tell (a
/// timestamp's text) the value passes and the transcoder decides.
/// </summary>
internal static partial class JsonQueryCheck
{
    public static RpcException? FindProblem(IQueryCollection query, MessageDescriptor request, HttpRule rule)
    {
        var problems = query
            .Select(parameter => (Name: parameter.Key, Found: Problem(parameter.Key, parameter.Value, request, rule)))
            .Where(p => p.Found is not null)
            .Select(p => (p.Name, p.Found!.Value.Field, p.Found.Value.Problem))
            .ToList();
        if (problems.Count == 0)
        {
            return null;
        }

        var (name, _, problem) = problems[0];
        var more = problems.Count switch
        {
            1 => "",
            2 => " One more parameter is in the field violations.",
            _ => $" {problems.Count - 1} more parameters are in the field violations.",
        };
        return ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.QueryParameterInvalid,
            $"The query parameter \"{name}\" does not fit {request.Name}: {problem}{(problem.EndsWith('?') ? "" : ".")}{more}",
            new Dictionary<string, string> { ["parameter"] = name },
            [.. problems.Select(p => new FieldViolation(p.Field, p.Problem))]);
    }

    private static (string Field, string Problem)? Problem(string name, StringValues values, MessageDescriptor request, HttpRule rule)
    {
        if (rule.Body == "*")
        {
            return (name, "this route reads every field from its JSON body; send it there");
        }

        var path = new List<FieldDescriptor>();
        var message = request;
        foreach (var segment in name.Split('.'))
        {
            if (message is null)
            {
                return (string.Join('.', path.Select(f => f.Name)), $"{path[^1].Name} has no fields; \"{name}\" goes past it");
            }

            if (FieldNames.Find(message, segment) is not { } field)
            {
                return (name, FieldNames.NoSuchField(message, segment));
            }

            path.Add(field);
            message = field.FieldType == FieldType.Message ? field.MessageType : null;
        }

        var fieldPath = string.Join('.', path.Select(f => f.Name));
        if (rule.Body.Length > 0 && (fieldPath == rule.Body || fieldPath.StartsWith(rule.Body + ".", StringComparison.Ordinal)))
        {
            return (fieldPath, $"this route reads {rule.Body} from its JSON body; send it there");
        }

        if (RouteVariables(rule).Contains(fieldPath))
        {
            return (fieldPath, "this route takes it from its path");
        }

        var leaf = path[^1];
        var shape = JsonShape.Of(leaf, element: true);
        if (leaf.IsMap || shape.Kind is JsonKind.Message or JsonKind.FreeObject or JsonKind.FreeList or JsonKind.Free)
        {
            return (fieldPath, $"{fieldPath} is {(leaf.IsMap ? "a map" : "a message")} and cannot be set from the query; set its fields, or send it in a body");
        }

        if (!leaf.IsRepeated && values.Count > 1)
        {
            return (fieldPath, $"{fieldPath} takes one value, and {values.Count} were sent");
        }

        foreach (var value in values)
        {
            if (!Reads(shape, value ?? ""))
            {
                return (fieldPath, $"{fieldPath} expects {QueryForm(shape)}, not \"{value}\"");
            }
        }

        return null;
    }

    /// <summary>Whether the transcoder converts the text into the field (Convert.ToXxx with the invariant culture, enums by number or name).</summary>
    private static bool Reads(JsonShape shape, string value) => shape.Kind switch
    {
        JsonKind.Int32 => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        JsonKind.UInt32 => uint.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        JsonKind.Int64 => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        JsonKind.UInt64 => ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        JsonKind.Float => double.TryParse(value, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _),
        JsonKind.Bool => bool.TryParse(value, out _),
        JsonKind.Bytes => Convert.TryFromBase64String(value, new byte[value.Length], out _),
        JsonKind.Enum => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? shape.Enum!.FindValueByNumber(number) is not null
            : shape.Enum!.FindValueByName(value) is not null,
        _ => true,
    };

    private static string QueryForm(JsonShape shape) => shape.Kind switch
    {
        JsonKind.Bool => "true or false",
        JsonKind.Enum => $"one of {string.Join(", ", shape.Enum!.Values.Select(v => v.Name))} (or its number)",
        JsonKind.Int64 => "a whole number (int64)",
        JsonKind.UInt64 => "a whole number ≥ 0 (uint64)",
        _ => shape.Describe(),
    };

    private static HashSet<string> RouteVariables(HttpRule rule)
    {
        var template = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => rule.Get,
            HttpRule.PatternOneofCase.Put => rule.Put,
            HttpRule.PatternOneofCase.Post => rule.Post,
            HttpRule.PatternOneofCase.Delete => rule.Delete,
            HttpRule.PatternOneofCase.Patch => rule.Patch,
            HttpRule.PatternOneofCase.Custom => rule.Custom.Path,
            _ => "",
        };
        return [.. Variable().Matches(template).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex(@"\{([^}=]+)")]
    private static partial Regex Variable();
}
