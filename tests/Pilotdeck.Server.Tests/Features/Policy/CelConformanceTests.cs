using System.Collections;
using System.Globalization;
using System.Text.Json;
using Cel;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Policy;

/// <summary>
/// Holds the Cel package to the cel-spec conformance data (npm's @bufbuild/cel-spec) for the parts
/// of CEL policy conditions use (ADR 0013). Known gaps are listed, with why, in
/// tests/cel-conformance/known-failures.txt; a case not listed must pass, and a listed case that
/// starts passing must be taken off the list, so the list always says what is true.
/// </summary>
public sealed class CelConformanceTests
{
    private static readonly string[] Suites = ["basic", "comparisons", "conversions", "fields", "fp_math", "integer_math", "lists", "logic", "macros", "parse", "plumbing", "string"];

    [Fact]
    public async Task CoreSuites_PassExceptTheKnownGaps()
    {
        var (exit, stdout, stderr) = await RepoProcess.RunAsync("node", ["tests/cel-conformance/cases.js", .. Suites], TimeSpan.FromMinutes(1), RepoProcess.RepoRoot);
        Assert.True(exit == 0, stderr);
        var known = File.ReadAllLines(Path.Combine(RepoProcess.RepoRoot, "tests", "cel-conformance", "known-failures.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ', 2)[0]).ToHashSet();

        var failing = new List<string>();
        var cases = JsonDocument.Parse(stdout).RootElement;
        foreach (var test in cases.EnumerateArray())
        {
            if (!Passes(test))
            {
                failing.Add(test.GetProperty("id").GetString()!);
            }
        }

        Assert.True(cases.GetArrayLength() > 900, $"only {cases.GetArrayLength()} cases were extracted");
        Assert.Empty(failing.Except(known));
        Assert.Empty(known.Except(failing));
    }

    private static bool Passes(JsonElement test)
    {
        var expect = test.GetProperty("expect");
        var wantsError = expect.TryGetProperty("error", out _);
        object? result;
        try
        {
            var variables = test.GetProperty("bindings").EnumerateObject().ToDictionary(b => b.Name, b => ValueOf(b.Value));
            result = new CelEnvironment(null, null).Compile(test.GetProperty("expr").GetString()!).Invoke(variables);
        }
        catch (Exception)
        {
            return wantsError;
        }

        return !wantsError && Same(result, ValueOf(expect.GetProperty("value")));
    }

    // The conformance data's value encoding (cel.expr.Value in JSON) to the CLR values Cel uses.
    private static object? ValueOf(JsonElement value)
    {
        var kind = value.EnumerateObject().First();
        return kind.Name switch
        {
            "boolValue" => kind.Value.GetBoolean(),
            "int64Value" => long.Parse(kind.Value.ToString(), CultureInfo.InvariantCulture),
            "uint64Value" => ulong.Parse(kind.Value.ToString(), CultureInfo.InvariantCulture),
            "doubleValue" when kind.Value.ValueKind == JsonValueKind.String => kind.Value.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                _ => double.NegativeInfinity,
            },
            "doubleValue" => kind.Value.GetDouble(),
            "stringValue" => kind.Value.GetString(),
            "bytesValue" => Google.Protobuf.ByteString.FromBase64(kind.Value.GetString()!),
            "nullValue" => null,
            "listValue" => kind.Value.TryGetProperty("values", out var items) ? items.EnumerateArray().Select(ValueOf).ToList() : new List<object?>(),
            _ => throw new NotSupportedException(kind.Name),
        };
    }

    private static bool Same(object? actual, object? expected) => (actual, expected) switch
    {
        (null or Google.Protobuf.WellKnownTypes.NullValue, null) => true,
        (null, _) or (_, null) => false,
        (IEnumerable list, List<object?> wanted) when actual is not string => list.Cast<object?>().ToList() is var got && got.Count == wanted.Count && got.Zip(wanted).All(p => Same(p.First, p.Second)),
        (double a, double b) => a.Equals(b),
        (byte[] a, Google.Protobuf.ByteString b) => a.AsSpan().SequenceEqual(b.Span),
        _ => actual.GetType() == expected.GetType() && actual.Equals(expected),
    };
}
