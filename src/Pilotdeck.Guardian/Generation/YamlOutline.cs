using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Pilotdeck.Guardian.Generation;

/// <summary>
/// A position-aware outline of a YAML document built from YamlDotNet's parser events. The
/// representation model loses comments and formatting, so edits are made on the original text
/// at the character offsets recorded here.
/// </summary>
internal abstract class YamlNode
{
    /// <summary>Offset of the node's first character.</summary>
    public int Start { get; init; }

    /// <summary>Offset just after the node's last content character (not trailing comments or blank lines).</summary>
    public int ContentEnd { get; set; }
}

internal sealed class YamlScalarNode : YamlNode
{
    public required string Value { get; init; }

    public bool IsNull => Value.Length == 0 || Value is "~" or "null";
}

internal sealed class YamlSequenceNode : YamlNode
{
    public bool IsFlow { get; init; }

    public List<YamlNode> Items { get; } = [];
}

internal sealed class YamlMappingNode : YamlNode
{
    public bool IsFlow { get; init; }

    public List<(YamlScalarNode Key, YamlNode Value)> Entries { get; } = [];

    public YamlNode? Get(string key) =>
        Entries.FirstOrDefault(e => string.Equals(e.Key.Value, key, StringComparison.Ordinal)).Value;

    public (YamlScalarNode Key, YamlNode Value)? Entry(string key)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Key.Value, key, StringComparison.Ordinal))
            {
                return entry;
            }
        }
        return null;
    }
}

internal static class YamlOutline
{
    /// <summary>Parses the first document of <paramref name="text"/>; null for an empty file.</summary>
    /// <exception cref="YamlException">The YAML is malformed.</exception>
    public static YamlNode? Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (!parser.TryConsume<DocumentStart>(out _))
        {
            return null;
        }
        return ReadNode(parser, text);
    }

    private static YamlNode ReadNode(IParser parser, string text)
    {
        var current = parser.Current ?? throw new YamlException("Unexpected end of YAML.");
        parser.MoveNext();
        switch (current)
        {
            case Scalar scalar:
                return new YamlScalarNode
                {
                    Value = scalar.Value,
                    Start = (int)scalar.Start.Index,
                    ContentEnd = TrimEnd(text, (int)scalar.End.Index, (int)scalar.Start.Index),
                };
            case AnchorAlias alias:
                return new YamlScalarNode { Value = "*" + alias.Value, Start = (int)alias.Start.Index, ContentEnd = (int)alias.End.Index };
            case SequenceStart start:
            {
                var node = new YamlSequenceNode { IsFlow = start.Style == SequenceStyle.Flow, Start = (int)start.Start.Index };
                while (parser.Current is not SequenceEnd)
                {
                    node.Items.Add(ReadNode(parser, text));
                }
                var end = parser.Consume<SequenceEnd>();
                node.ContentEnd = node.IsFlow ? (int)end.End.Index : node.Items.Count > 0 ? node.Items[^1].ContentEnd : (int)start.End.Index;
                return node;
            }
            case MappingStart start:
            {
                var node = new YamlMappingNode { IsFlow = start.Style == MappingStyle.Flow, Start = (int)start.Start.Index };
                while (parser.Current is not MappingEnd)
                {
                    var key = ReadNode(parser, text) as YamlScalarNode ?? new YamlScalarNode { Value = "", Start = 0, ContentEnd = 0 };
                    var value = ReadNode(parser, text);
                    node.Entries.Add((key, value));
                }
                var end = parser.Consume<MappingEnd>();
                node.ContentEnd = node.IsFlow ? (int)end.End.Index : node.Entries.Count > 0 ? Math.Max(node.Entries[^1].Value.ContentEnd, node.Entries[^1].Key.ContentEnd) : (int)start.End.Index;
                return node;
            }
            default:
                throw new YamlException(current.Start, current.End, $"Unexpected YAML event {current.GetType().Name}.");
        }
    }

    // Block scalars end after their trailing line breaks; the edit point is the last visible character.
    private static int TrimEnd(string text, int end, int floor)
    {
        while (end > floor && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        return end;
    }
}
