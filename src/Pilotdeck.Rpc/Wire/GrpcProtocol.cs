namespace Pilotdeck.Rpc.Wire;

/// <summary>Header names and values fixed by the gRPC over HTTP/2 specification.</summary>
public static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string StatusDetailsHeader = "grpc-status-details-bin";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string UserAgentHeader = "user-agent";

    /// <summary>Size of the prefix before each message: one flag byte plus a 4-byte big-endian length.</summary>
    public const int MessagePrefixLength = 5;

    /// <summary>The receive limit when a service sets none: 4 MiB, as in the reference implementations.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>True for <c>application/grpc</c> and its <c>+proto</c>/<c>;params</c> variants.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }

    /// <summary>Headers the transport owns; never surfaced as or taken from user metadata.</summary>
    public static bool IsReservedHeader(string name) =>
        name.StartsWith(':') ||
        name is "content-type" or "te" or "host" or "content-length" or "connection" or "transfer-encoding"
            or "user-agent" or "grpc-timeout" or "grpc-encoding" or "grpc-accept-encoding" or "grpc-status"
            or "grpc-message" or "grpc-status-details-bin";
}
