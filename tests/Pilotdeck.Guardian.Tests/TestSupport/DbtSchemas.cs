using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Pilotdeck.Guardian.Generation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlNode = YamlDotNet.RepresentationModel.YamlNode;
using YamlMappingNode = YamlDotNet.RepresentationModel.YamlMappingNode;
using YamlScalarNode = YamlDotNet.RepresentationModel.YamlScalarNode;
using YamlSequenceNode = YamlDotNet.RepresentationModel.YamlSequenceNode;

namespace Pilotdeck.Guardian.Tests.TestSupport;

/// <summary>
/// Validates property files against dbt Labs' JSON Schemas in ../shared/fixtures/dbt/jsonschema —
/// the independent check that what Guardian writes is a file dbt accepts. Every test that produces
/// YAML passes it through here.
/// </summary>
internal static partial class DbtSchemas
{
    private static readonly Lazy<JsonSchema> Dbt17 = new(() => Load("dbt_yml_files-1.7.json"));
    private static readonly Lazy<JsonSchema> Latest = new(() => Load("dbt_yml_files-latest.json"));

    /// <summary>Fails the test when <paramref name="yaml"/> is not a valid property file for the dialect's dbt version.</summary>
    public static void AssertValid(string yaml, YamlDialect dialect, string label = "yaml")
    {
        // `tests:` with inline arguments is the dbt < 1.8 form: the 1.7 schema describes it.
        var schema = dialect.TestsKey == "tests" ? Dbt17.Value : Latest.Value;
        var instance = ToJson(yaml);
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
            Assert.Fail($"{label} does not validate against dbt's JSON Schema:\n{string.Join("\n", errors.Take(10))}\n---\n{yaml}");
        }
    }

    /// <summary>Validates every file of a generation result.</summary>
    public static GenerationResult AssertValid(GenerationResult result, YamlDialect dialect)
    {
        foreach (var file in result.Files)
        {
            AssertValid(file.Content, dialect, file.Path);
        }
        return result;
    }

    private static JsonSchema Load(string file)
    {
        var path = Path.Combine(Fixtures.JaffleShop, "..", "jsonschema", file);
        return JsonSchema.FromText(File.ReadAllText(path), new BuildOptions(), new Uri($"https://guardian.tests/{file}"));
    }

    private static JsonElement ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var node = stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
        return JsonSerializer.SerializeToElement(node);
    }

    // YAML 1.2 core schema for plain scalars: null, booleans and numbers are typed; quoted scalars are strings.
    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when Integer().IsMatch(value) => JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture)),
        _ when Float().IsMatch(value) => JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value),
    };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
