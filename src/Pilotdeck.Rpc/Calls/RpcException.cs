namespace Pilotdeck.Rpc;

/// <summary>
/// Thrown by handlers to end a call with a non-OK status, and by clients when a call ends with one.
/// <see cref="RichStatus"/> carries the google.rpc.Status that travels in <c>grpc-status-details-bin</c>.
/// </summary>
public class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, new Metadata(), null)
    {
    }

    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, null)
    {
    }

    public RpcException(Status status, Metadata trailers, Google.Rpc.Status? richStatus)
        : base(status.ToString())
    {
        Status = status;
        Trailers = trailers;
        RichStatus = richStatus;
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    public Metadata Trailers { get; }

    /// <summary>Structured error details (ErrorInfo, BadRequest, …); null when the peer sent none.</summary>
    public Google.Rpc.Status? RichStatus { get; }

    /// <summary>Builds an exception whose details carry the given google.rpc.Status, keeping code and message consistent.</summary>
    public static RpcException FromRichStatus(Google.Rpc.Status richStatus, Metadata? trailers = null) =>
        new(new Status((StatusCode)richStatus.Code, richStatus.Message), trailers ?? new Metadata(), richStatus);
}
