using Google.Protobuf.Reflection;

namespace Pilotdeck.Rpc.Generator;

/// <summary>
/// Maps every message of every file protoc handed us (the files to generate and all their
/// imports) to the C# class protoc generates for it, so request and response types from other
/// files and packages resolve to their own namespaces.
/// </summary>
public sealed class TypeIndex
{
    private readonly Dictionary<string, string> _messages = new(StringComparer.Ordinal);

    public TypeIndex(IEnumerable<FileDescriptorProto> files)
    {
        foreach (var file in files)
        {
            var @namespace = CSharpNames.Namespace(file);
            var protoPrefix = file.Package.Length == 0 ? "." : "." + file.Package + ".";
            foreach (var message in file.MessageType)
            {
                Add(message, protoPrefix, CSharpNames.Qualify(@namespace, CSharpNames.Identifier(message.Name)));
            }
        }
    }

    /// <summary>The C# type for a fully qualified proto type name such as <c>.google.protobuf.Empty</c>.</summary>
    public string MessageType(string protoTypeName) =>
        _messages.TryGetValue(protoTypeName, out var name)
            ? name
            : throw new GeneratorException($"Message type '{protoTypeName}' is not defined in any file protoc passed to the plugin.");

    private void Add(DescriptorProto message, string protoPrefix, string csharpName)
    {
        var protoName = protoPrefix + message.Name;
        _messages[protoName] = csharpName;

        // protoc nests inner messages in a static "Types" class of the outer message.
        foreach (var nested in message.NestedType)
        {
            Add(nested, protoName + ".", csharpName + ".Types." + CSharpNames.Identifier(nested.Name));
        }
    }
}

/// <summary>A problem with the input that protoc should report as the plugin's error.</summary>
public sealed class GeneratorException : Exception
{
    public GeneratorException(string message)
        : base(message)
    {
    }
}
