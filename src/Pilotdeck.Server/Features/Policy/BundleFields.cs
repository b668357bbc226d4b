using YamlDotNet.RepresentationModel;

namespace Pilotdeck.Server.Features.Policy;

/// <summary>Reads a bundle's YAML fields, recording a <see cref="BundleProblem"/> with its line for each malformed one.</summary>
internal static class BundleFields
{
    internal static void CheckKeys(YamlMappingNode map, HashSet<string> known, string what, List<BundleProblem> problems)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name))
            {
                problems.Add(new BundleProblem(LineOf(key), $"unknown field '{name}' in {what} (known: {string.Join(", ", known)})"));
            }
        }
    }

    internal static string? Scalar(YamlMappingNode map, string key, List<BundleProblem> problems, bool required)
    {
        if (!map.Children.TryGetValue(key, out var node))
        {
            if (required)
            {
                problems.Add(new BundleProblem(LineOf(map), $"`{key}` is required"));
            }

            return null;
        }

        // Conditions may span lines (a YAML block scalar); names and reasons are one line.
        var multiline = key == "when";
        if (node is YamlScalarNode { Value: { Length: > 0 } value } && (multiline || !value.Contains('\n', StringComparison.Ordinal)))
        {
            return value;
        }

        problems.Add(new BundleProblem(LineOf(node), multiline ? $"`{key}` must be text" : $"`{key}` must be one line of text"));
        return null;
    }

    internal static List<string>? StringList(YamlMappingNode map, string key, List<BundleProblem> problems)
    {
        if (!map.Children.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlSequenceNode seq && seq.Children.Count > 0 && seq.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
        {
            return seq.Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        }

        problems.Add(new BundleProblem(LineOf(node), $"`{key}` must be a non-empty list of names"));
        return null;
    }

    internal static int Integer(YamlMappingNode map, string key, int fallback, int min, int max, List<BundleProblem> problems)
    {
        if (!map.Children.TryGetValue(key, out var node))
        {
            return fallback;
        }

        if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add(new BundleProblem(LineOf(node), $"`{key}` must be a whole number from {min} to {max}"));
        return fallback;
    }

    internal static PolicyEffect? Problem(List<BundleProblem> problems, YamlMappingNode map, string key, string message)
    {
        problems.Add(new BundleProblem(map.Children.TryGetValue(key, out var node) ? LineOf(node) : LineOf(map), message));
        return null;
    }

    internal static int LineOf(YamlNode node) => (int)node.Start.Line;
}
