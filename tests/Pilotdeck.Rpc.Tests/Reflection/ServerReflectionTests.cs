using Google.Protobuf;
using Google.Protobuf.Reflection;
using Pilotdeck.Rpc.Server;
using Pilotdeck.Rpc.Server.Health.V1;
using Pilotdeck.Rpc.Server.Reflection;
using Pilotdeck.Rpc.Server.Reflection.V1;

namespace Pilotdeck.Rpc.Tests.Reflection;

public sealed class ServerReflectionTests
{
    private readonly ServiceRegistry _registry = new();
    private readonly ServerReflectionCore _core;

    public ServerReflectionTests()
    {
        _registry.Add(TestDescriptors.TopService);
        _registry.Add(TestDescriptors.ExtService);
        _registry.Add(HealthReflection.Descriptor.Services[0]);
        _core = new ServerReflectionCore(_registry);
    }

    [Fact]
    public void ListServices_RegisteredServices_ReturnsEveryServiceName()
    {
        var response = _core.Answer(new ServerReflectionRequest { ListServices = "*" });

        Assert.Equal(
            ["test.top.TopService", "test.ext.ExtService", "grpc.health.v1.Health"],
            response.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public void ListServices_ServiceAddedAfterFirstAnswer_IsListed()
    {
        _core.Answer(new ServerReflectionRequest { ListServices = "" });
        _registry.Add(ReflectionReflection.Descriptor.Services[0]);

        var response = _core.Answer(new ServerReflectionRequest { ListServices = "" });

        Assert.Contains("grpc.reflection.v1.ServerReflection", response.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public void Answer_AnyRequest_EchoesHostAndOriginalRequest()
    {
        var request = new ServerReflectionRequest { Host = "api.example", FileByFilename = TestDescriptors.BaseFile };

        var response = _core.Answer(request);

        Assert.Equal("api.example", response.ValidHost);
        Assert.Equal(request, response.OriginalRequest);
    }

    [Fact]
    public void FileByFilename_ServiceFile_ReturnsFileThenEachTransitiveImportOnce()
    {
        var response = _core.Answer(new ServerReflectionRequest { FileByFilename = TestDescriptors.TopFile });

        // top imports mid and base, mid imports base again: base must not be repeated.
        Assert.Equal([TestDescriptors.TopFile, TestDescriptors.MidFile, TestDescriptors.BaseFile], FileNames(response));
    }

    [Fact]
    public void FileByFilename_FileReachableOnlyThroughImports_IsFound()
    {
        var response = _core.Answer(new ServerReflectionRequest { FileByFilename = TestDescriptors.BaseFile });

        Assert.Equal([TestDescriptors.BaseFile], FileNames(response));
    }

    [Fact]
    public void FileByFilename_FileBytes_AreTheSerializedFileDescriptorProto()
    {
        var response = _core.Answer(new ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });

        Assert.Equal(HealthReflection.Descriptor.SerializedData, response.FileDescriptorResponse.FileDescriptorProto[0]);
    }

    [Fact]
    public void FileByFilename_UnknownFile_ReturnsNotFoundError()
    {
        var response = _core.Answer(new ServerReflectionRequest { FileByFilename = "nope/missing.proto" });

        AssertNotFound(response);
    }

    [Theory]
    [InlineData("test.top.TopService", TestDescriptors.TopFile)]
    [InlineData("test.top.TopService.Do", TestDescriptors.TopFile)]
    [InlineData("test.mid.Mid", TestDescriptors.MidFile)]
    [InlineData("test.mid.Mid.Inner", TestDescriptors.MidFile)]
    [InlineData("test.mid.Mid.Inner.Deepest", TestDescriptors.MidFile)]
    [InlineData("test.mid.Mid.Inner.depth", TestDescriptors.MidFile)]
    [InlineData("test.mid.Mid.shared", TestDescriptors.MidFile)]
    [InlineData("test.mid.Mid.choice", TestDescriptors.MidFile)]
    [InlineData("test.base.Shared", TestDescriptors.BaseFile)]
    [InlineData("test.base.Shared.Kind", TestDescriptors.BaseFile)]
    [InlineData("test.base.Shared.KIND_SPECIAL", TestDescriptors.BaseFile)]
    [InlineData("test.base.Color", TestDescriptors.BaseFile)]
    [InlineData("test.base.COLOR_RED", TestDescriptors.BaseFile)]
    [InlineData("test.base.Color.COLOR_RED", TestDescriptors.BaseFile)]
    [InlineData("test.ext.note", TestDescriptors.ExtFile)]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    public void FileContainingSymbol_KnownSymbol_ReturnsDeclaringFileFirst(string symbol, string expectedFile)
    {
        var response = _core.Answer(new ServerReflectionRequest { FileContainingSymbol = symbol });

        Assert.Equal(expectedFile, FileNames(response)[0]);
    }

    [Fact]
    public void FileContainingSymbol_MessageInImportedFile_CarriesThatFilesImports()
    {
        var response = _core.Answer(new ServerReflectionRequest { FileContainingSymbol = "test.mid.Mid" });

        Assert.Equal([TestDescriptors.MidFile, TestDescriptors.BaseFile], FileNames(response));
    }

    [Theory]
    [InlineData("test.top.Missing")]
    [InlineData("test.top.TopService.Missing")]
    [InlineData(".test.top.TopService")]
    [InlineData("")]
    public void FileContainingSymbol_UnknownSymbol_ReturnsNotFoundError(string symbol)
    {
        var response = _core.Answer(new ServerReflectionRequest { FileContainingSymbol = symbol });

        AssertNotFound(response);
    }

    [Fact]
    public void FileContainingExtension_DeclaredExtension_ReturnsDeclaringFile()
    {
        var response = _core.Answer(new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "test.ext.Extendable", ExtensionNumber = 101 },
        });

        Assert.Equal([TestDescriptors.ExtFile], FileNames(response));
    }

    [Fact]
    public void FileContainingExtension_UnknownNumber_ReturnsNotFoundError()
    {
        var response = _core.Answer(new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "test.ext.Extendable", ExtensionNumber = 150 },
        });

        AssertNotFound(response);
    }

    [Fact]
    public void AllExtensionNumbersOfType_ExtendedMessage_ReturnsSortedNumbers()
    {
        var response = _core.Answer(new ServerReflectionRequest { AllExtensionNumbersOfType = "test.ext.Extendable" });

        Assert.Equal("test.ext.Extendable", response.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Equal([100, 101], response.AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Fact]
    public void AllExtensionNumbersOfType_MessageWithoutExtensions_ReturnsEmptyList()
    {
        var response = _core.Answer(new ServerReflectionRequest { AllExtensionNumbersOfType = "test.mid.Mid" });

        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.AllExtensionNumbersResponse, response.MessageResponseCase);
        Assert.Empty(response.AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Fact]
    public void AllExtensionNumbersOfType_UnknownType_ReturnsNotFoundError()
    {
        var response = _core.Answer(new ServerReflectionRequest { AllExtensionNumbersOfType = "test.nope.Nothing" });

        AssertNotFound(response);
    }

    [Fact]
    public void Answer_RequestWithoutQuestion_ReturnsUnimplementedError()
    {
        var response = _core.Answer(new ServerReflectionRequest { Host = "x" });

        Assert.Equal((int)StatusCode.Unimplemented, response.ErrorResponse.ErrorCode);
    }

    [Fact]
    public async Task ServerReflectionInfo_OpenStream_AnswersEachRequestBeforeHalfClose()
    {
        var service = new ReflectionServiceV1(_core);
        var requests = new ChannelStreamReader<ServerReflectionRequest>();
        var responses = new ChannelStreamWriter<ServerReflectionResponse>();
        var call = service.ServerReflectionInfo(requests, responses, new FakeServerCallContext());

        requests.Send(new ServerReflectionRequest { ListServices = "" });
        var first = await responses.ReadAsync();
        requests.Send(new ServerReflectionRequest { FileContainingSymbol = "test.nope.Nothing" });
        var second = await responses.ReadAsync();

        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ListServicesResponse, first.MessageResponseCase);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse, second.MessageResponseCase);
        Assert.False(call.IsCompleted);

        requests.Complete();
        await call.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ServerReflectionInfo_V1Alpha_AnswersLikeV1()
    {
        var service = new ReflectionServiceV1Alpha(_core);
        var requests = new ChannelStreamReader<Pilotdeck.Rpc.Server.Reflection.V1Alpha.ServerReflectionRequest>();
        var responses = new ChannelStreamWriter<Pilotdeck.Rpc.Server.Reflection.V1Alpha.ServerReflectionResponse>();
        var call = service.ServerReflectionInfo(requests, responses, new FakeServerCallContext());

        requests.Send(new Pilotdeck.Rpc.Server.Reflection.V1Alpha.ServerReflectionRequest { Host = "h", FileContainingSymbol = "test.top.TopService.Do" });
        var alpha = await responses.ReadAsync();
        requests.Complete();
        await call.WaitAsync(TimeSpan.FromSeconds(5));

        var v1 = _core.Answer(new ServerReflectionRequest { Host = "h", FileContainingSymbol = "test.top.TopService.Do" });
        Assert.Equal(v1.ToByteString(), alpha.ToByteString());
        Assert.Equal("test.top.TopService.Do", alpha.OriginalRequest.FileContainingSymbol);
        Assert.Equal(3, alpha.FileDescriptorResponse.FileDescriptorProto.Count);
    }

    private static List<string> FileNames(ServerReflectionResponse response)
    {
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        return response.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => FileDescriptorProto.Parser.ParseFrom(bytes).Name)
            .ToList();
    }

    private static void AssertNotFound(ServerReflectionResponse response)
    {
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse, response.MessageResponseCase);
        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
        Assert.NotEmpty(response.ErrorResponse.ErrorMessage);
    }
}
