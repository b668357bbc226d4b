using Pilotdeck.Rpc.Server.Reflection.V1;

namespace Pilotdeck.Rpc.Server.Reflection;

/// <summary>grpc.reflection.v1.ServerReflection: how grpcurl, buf curl and IDEs discover the API.</summary>
public sealed class ReflectionServiceV1 : ServerReflection.ServerReflectionBase
{
    private readonly ServerReflectionCore _core;

    public ReflectionServiceV1(ServerReflectionCore core)
    {
        _core = core;
    }

    public override Task ServerReflectionInfo(
        IAsyncStreamReader<ServerReflectionRequest> requestStream,
        IServerStreamWriter<ServerReflectionResponse> responseStream,
        ServerCallContext context) =>
        ServerReflectionCore.ServeAsync(requestStream, responseStream, _core.Answer, context.CancellationToken);
}
