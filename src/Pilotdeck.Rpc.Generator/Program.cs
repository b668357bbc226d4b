using Google.Protobuf;
using Google.Protobuf.Compiler;
using Pilotdeck.Rpc.Generator;

// protoc speaks to plugins over stdin/stdout only; anything else written to stdout would corrupt the response.
CodeGeneratorRequest request;
using (var stdin = Console.OpenStandardInput())
{
    request = CodeGeneratorRequest.Parser.ParseFrom(stdin);
}

var response = ServiceGenerator.Generate(request);

using (var stdout = Console.OpenStandardOutput())
{
    response.WriteTo(stdout);
}

return 0;
