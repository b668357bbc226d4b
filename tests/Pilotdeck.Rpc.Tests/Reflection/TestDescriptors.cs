using Google.Protobuf;
using Google.Protobuf.Reflection;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;
using Label = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Label;

namespace Pilotdeck.Rpc.Tests.Reflection;

/// <summary>
/// A small descriptor graph built at runtime, shaped to exercise lookups:
/// top.proto imports mid.proto and base.proto, and mid.proto imports base.proto too (a diamond),
/// so base.proto must appear once; ext.proto (proto2) declares extensions.
/// </summary>
internal static class TestDescriptors
{
    public const string BaseFile = "test/base.proto";
    public const string MidFile = "test/mid.proto";
    public const string TopFile = "test/top.proto";
    public const string ExtFile = "test/ext.proto";

    private static readonly Lazy<IReadOnlyDictionary<string, FileDescriptor>> Files = new(Build);

    public static FileDescriptor File(string name) => Files.Value[name];

    public static ServiceDescriptor TopService => File(TopFile).Services[0];

    public static ServiceDescriptor ExtService => File(ExtFile).Services[0];

    private static IReadOnlyDictionary<string, FileDescriptor> Build()
    {
        var @base = new FileDescriptorProto
        {
            Name = BaseFile,
            Package = "test.base",
            Syntax = "proto3",
            MessageType =
            {
                new DescriptorProto
                {
                    Name = "Shared",
                    Field = { Scalar("id", 1, Type.String) },
                    EnumType = { Enum("Kind", "KIND_UNSPECIFIED", "KIND_SPECIAL") },
                },
            },
            EnumType = { Enum("Color", "COLOR_UNSPECIFIED", "COLOR_RED") },
        };

        var mid = new FileDescriptorProto
        {
            Name = MidFile,
            Package = "test.mid",
            Syntax = "proto3",
            Dependency = { BaseFile },
            MessageType =
            {
                new DescriptorProto
                {
                    Name = "Mid",
                    Field =
                    {
                        Message("shared", 1, ".test.base.Shared"),
                        Scalar("text", 2, Type.String, oneofIndex: 0),
                        Scalar("number", 3, Type.Int32, oneofIndex: 0),
                    },
                    OneofDecl = { new OneofDescriptorProto { Name = "choice" } },
                    NestedType =
                    {
                        new DescriptorProto
                        {
                            Name = "Inner",
                            Field = { Scalar("depth", 1, Type.Int32) },
                            NestedType = { new DescriptorProto { Name = "Deepest" } },
                        },
                    },
                },
            },
        };

        var top = new FileDescriptorProto
        {
            Name = TopFile,
            Package = "test.top",
            Syntax = "proto3",
            Dependency = { MidFile, BaseFile },
            Service =
            {
                new ServiceDescriptorProto
                {
                    Name = "TopService",
                    Method = { new MethodDescriptorProto { Name = "Do", InputType = ".test.mid.Mid", OutputType = ".test.base.Shared" } },
                },
            },
        };

        var ext = new FileDescriptorProto
        {
            Name = ExtFile,
            Package = "test.ext",
            Syntax = "proto2",
            MessageType =
            {
                new DescriptorProto
                {
                    Name = "Extendable",
                    ExtensionRange = { new DescriptorProto.Types.ExtensionRange { Start = 100, End = 201 } },
                },
            },
            Extension =
            {
                new FieldDescriptorProto { Name = "flag", Number = 101, Label = Label.Optional, Type = Type.Bool, Extendee = ".test.ext.Extendable" },
                new FieldDescriptorProto { Name = "note", Number = 100, Label = Label.Optional, Type = Type.String, Extendee = ".test.ext.Extendable" },
            },
            Service =
            {
                new ServiceDescriptorProto
                {
                    Name = "ExtService",
                    Method = { new MethodDescriptorProto { Name = "Get", InputType = ".test.ext.Extendable", OutputType = ".test.ext.Extendable" } },
                },
            },
        };

        var built = FileDescriptor.BuildFromByteStrings(new[] { @base, mid, top, ext }.Select(f => f.ToByteString()));
        return built.ToDictionary(f => f.Name);
    }

    private static EnumDescriptorProto Enum(string name, params string[] values)
    {
        var result = new EnumDescriptorProto { Name = name };
        for (var i = 0; i < values.Length; i++)
        {
            result.Value.Add(new EnumValueDescriptorProto { Name = values[i], Number = i });
        }

        return result;
    }

    private static FieldDescriptorProto Scalar(string name, int number, Type type, int? oneofIndex = null)
    {
        var field = new FieldDescriptorProto { Name = name, Number = number, Label = Label.Optional, Type = type, JsonName = name };
        if (oneofIndex is { } index)
        {
            field.OneofIndex = index;
        }

        return field;
    }

    private static FieldDescriptorProto Message(string name, int number, string typeName) =>
        new() { Name = name, Number = number, Label = Label.Optional, Type = Type.Message, TypeName = typeName, JsonName = name };
}
