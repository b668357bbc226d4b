namespace Pilotdeck.Server.Platform.Grpc;

public static class GrpcRequests
{
    /// <summary>A gRPC or gRPC-Web call (<c>application/grpc</c>, <c>application/grpc-web</c>, with any suffix).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
