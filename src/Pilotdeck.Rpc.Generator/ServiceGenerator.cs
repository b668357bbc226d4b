using Google.Protobuf;
using Google.Protobuf.Compiler;
using Google.Protobuf.Reflection;

namespace Pilotdeck.Rpc.Generator;

/// <summary>Turns a protoc request into one <c>…Rpc.g.cs</c> file per .proto file that declares services.</summary>
public static class ServiceGenerator
{
    /// <summary>
    /// Suffix of every generated file. protoc's C# generator never writes <c>.g.cs</c> names, so
    /// both can share one output directory.
    /// </summary>
    public const string FileSuffix = "Rpc.g.cs";

    // google.protobuf.Edition numbers; Google.Protobuf 3.25's enum predates some of their names.
    private const int EditionProto2 = 998;
    private const int Edition2023 = 1000;

    public static CodeGeneratorResponse Generate(CodeGeneratorRequest request)
    {
        // Only names, types and streaming flags matter here, and neither proto3 optional nor editions
        // change those, so every syntax protoc's C# generator accepts is fine for us too.
        var response = new CodeGeneratorResponse
        {
            SupportedFeatures = (ulong)(CodeGeneratorResponse.Types.Feature.Proto3Optional | CodeGeneratorResponse.Types.Feature.SupportsEditions),
        };

        try
        {
            var options = GeneratorOptions.Parse(request.Parameter);
            var files = request.ProtoFile.ToDictionary(f => f.Name, StringComparer.Ordinal);
            var types = new TypeIndex(request.ProtoFile);
            foreach (var name in request.FileToGenerate)
            {
                var file = files[name];
                if (file.Service.Count == 0)
                {
                    continue;
                }

                response.File.Add(new CodeGeneratorResponse.Types.File
                {
                    Name = OutputFileName(name),
                    Content = new ServiceFileEmitter(file, types, options).Emit(),
                });
            }
        }
        catch (GeneratorException e)
        {
            response.Error = e.Message;
        }

        return WithEditionRange(response);
    }

    /// <summary>
    /// protoc requires an edition range from plugins that support editions, but Google.Protobuf
    /// 3.25's CodeGeneratorResponse has no properties for minimum_edition (3) and maximum_edition
    /// (4). Appending them to the serialized message and re-parsing keeps them as unknown fields,
    /// which are written back out unchanged.
    /// </summary>
    private static CodeGeneratorResponse WithEditionRange(CodeGeneratorResponse response)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer, leaveOpen: true);
        response.WriteTo(output);
        output.WriteTag(3, WireFormat.WireType.Varint);
        output.WriteInt32(EditionProto2);
        output.WriteTag(4, WireFormat.WireType.Varint);
        output.WriteInt32(Edition2023);
        output.Flush();
        return CodeGeneratorResponse.Parser.ParseFrom(buffer.ToArray());
    }

    /// <summary><c>a/b/foo_bar.proto</c> → <c>a/b/FooBarRpc.g.cs</c>: mirrors the proto tree, so names never collide.</summary>
    public static string OutputFileName(string protoPath)
    {
        var slash = protoPath.LastIndexOf('/');
        var directory = slash < 0 ? "" : protoPath[..(slash + 1)];
        return directory + CSharpNames.FileNameBase(protoPath) + FileSuffix;
    }
}
