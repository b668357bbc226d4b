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

    public static CodeGeneratorResponse Generate(CodeGeneratorRequest request)
    {
        // Services don't care how fields are declared, so proto3 optional needs nothing from us.
        var response = new CodeGeneratorResponse
        {
            SupportedFeatures = (ulong)CodeGeneratorResponse.Types.Feature.Proto3Optional,
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

        return response;
    }

    /// <summary><c>a/b/foo_bar.proto</c> → <c>a/b/FooBarRpc.g.cs</c>: mirrors the proto tree, so names never collide.</summary>
    public static string OutputFileName(string protoPath)
    {
        var slash = protoPath.LastIndexOf('/');
        var directory = slash < 0 ? "" : protoPath[..(slash + 1)];
        return directory + CSharpNames.FileNameBase(protoPath) + FileSuffix;
    }
}
