using Google.Protobuf;

namespace Pilotdeck.Rpc.Server.Reflection;

/// <summary>
/// grpc.reflection.v1alpha.ServerReflection, which older clients still ask first. Its messages
/// are byte-for-byte those of v1, so requests and answers are re-read across the two packages
/// and the v1 logic answers.
/// </summary>
public sealed class ReflectionServiceV1Alpha : V1Alpha.ServerReflection.ServerReflectionBase
{
    private readonly ServerReflectionCore _core;

    public ReflectionServiceV1Alpha(ServerReflectionCore core)
    {
        _core = core;
    }

    public override Task ServerReflectionInfo(
        IAsyncStreamReader<V1Alpha.ServerReflectionRequest> requestStream,
        IServerStreamWriter<V1Alpha.ServerReflectionResponse> responseStream,
        ServerCallContext context) =>
        ServerReflectionCore.ServeAsync(requestStream, responseStream, Answer, context.CancellationToken);

    internal V1Alpha.ServerReflectionResponse Answer(V1Alpha.ServerReflectionRequest request)
    {
        var v1Request = V1.ServerReflectionRequest.Parser.ParseFrom(request.ToByteString());
        return V1Alpha.ServerReflectionResponse.Parser.ParseFrom(_core.Answer(v1Request).ToByteString());
    }
}
