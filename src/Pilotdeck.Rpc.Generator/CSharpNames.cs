using System.Text;
using Google.Protobuf.Reflection;

namespace Pilotdeck.Rpc.Generator;

/// <summary>
/// C# names for protobuf elements, derived exactly as protoc's C# generator derives them, so the
/// generated services refer to the message classes that <c>--csharp_out</c> produces.
/// </summary>
public static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class",
        "const", "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event",
        "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if",
        "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new", "null",
        "object", "operator", "out", "override", "params", "private", "protected", "public", "readonly",
        "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct",
        "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe",
        "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>The identifier as C# source: keywords get the verbatim prefix.</summary>
    public static string Identifier(string name) => Keywords.Contains(name) ? "@" + name : name;

    /// <summary>The file's namespace: its csharp_namespace option, else the package in PascalCase per segment.</summary>
    public static string Namespace(FileDescriptorProto file) =>
        file.Options is { HasCsharpNamespace: true } options
            ? options.CsharpNamespace
            : UnderscoresToCamelCase(file.Package, capitalizeNext: true, preservePeriod: true);

    /// <summary>The unqualified name protoc gives the file's reflection class (<c>foo_bar.proto</c> → <c>FooBarReflection</c>).</summary>
    public static string ReflectionClassName(FileDescriptorProto file) => FileNameBase(file.Name) + "Reflection";

    /// <summary>The PascalCase base of a .proto file name, as protoc uses for its own output file names.</summary>
    public static string FileNameBase(string protoPath)
    {
        var slash = protoPath.LastIndexOf('/');
        var fileName = protoPath[(slash + 1)..];
        if (fileName.EndsWith(".protodevel", StringComparison.Ordinal))
        {
            fileName = fileName[..^".protodevel".Length];
        }
        else if (fileName.EndsWith(".proto", StringComparison.Ordinal))
        {
            fileName = fileName[..^".proto".Length];
        }

        return UnderscoresToCamelCase(fileName, capitalizeNext: true, preservePeriod: false);
    }

    /// <summary>A fully qualified type reference, prefixed with <c>global::</c>.</summary>
    public static string Qualify(string @namespace, string typeName) =>
        @namespace.Length == 0 ? "global::" + typeName : "global::" + @namespace + "." + typeName;

    /// <summary>
    /// Port of protoc's UnderscoresToCamelCase: letters after a separator or digit are capitalized,
    /// separators are dropped (periods kept when asked) and a leading capital is lowered unless
    /// <paramref name="capitalizeNext"/> says otherwise.
    /// </summary>
    public static string UnderscoresToCamelCase(string input, bool capitalizeNext, bool preservePeriod)
    {
        var result = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c is >= 'a' and <= 'z')
            {
                result.Append(capitalizeNext ? (char)(c - 'a' + 'A') : c);
                capitalizeNext = false;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                result.Append(i == 0 && !capitalizeNext ? (char)(c - 'A' + 'a') : c);
                capitalizeNext = false;
            }
            else if (c is >= '0' and <= '9')
            {
                result.Append(c);
                capitalizeNext = true;
            }
            else
            {
                capitalizeNext = true;
                if (c == '.' && preservePeriod)
                {
                    result.Append('.');
                }
            }
        }

        if (input.Length > 0 && input[^1] == '#')
        {
            result.Append('_');
        }

        return result.ToString();
    }
}
