namespace Pilotdeck.Rpc.Server;

/// <summary>
/// Server-wide call settings. A service can override them with
/// <see cref="GrpcServerBuilder.AddServiceOptions{TService}"/>.
/// </summary>
public class GrpcServiceOptions
{
    /// <summary>Largest request message accepted, after decompression. Default 4 MiB; larger gets RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = Rpc.Wire.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent. Default: no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Compress responses with this encoding when the client accepts it. Default: none.</summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Put exception messages in grpc-message for unexpected errors. Default false: clients see "Exception was thrown by handler."</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Interceptors run around every handler, first outermost. Types are created from DI once.</summary>
    public IList<Type> Interceptors { get; } = new List<Type>();

    internal GrpcServiceOptions Copy()
    {
        var copy = new GrpcServiceOptions
        {
            MaxReceiveMessageSize = MaxReceiveMessageSize,
            MaxSendMessageSize = MaxSendMessageSize,
            ResponseCompression = ResponseCompression,
            EnableDetailedErrors = EnableDetailedErrors,
        };
        foreach (var interceptor in Interceptors)
        {
            copy.Interceptors.Add(interceptor);
        }

        return copy;
    }
}
