namespace Pilotdeck.Rpc;

/// <summary>What a handler knows about the call it serves, and how it shapes the response.</summary>
public abstract class ServerCallContext
{
    private Dictionary<object, object?>? _userState;

    public abstract string Method { get; }

    public abstract string Host { get; }

    public abstract string Peer { get; }

    /// <summary>When the client gives up; <see cref="DateTime.MaxValue"/> when it set no deadline.</summary>
    public abstract DateTime Deadline { get; }

    public abstract Metadata RequestHeaders { get; }

    /// <summary>Cancelled when the client cancels, the deadline passes or the connection drops.</summary>
    public abstract CancellationToken CancellationToken { get; }

    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status the call ends with when the handler returns normally.</summary>
    public abstract Status Status { get; set; }

    /// <summary>Structured error details sent with <see cref="Status"/> when it is not OK.</summary>
    public Google.Rpc.Status? RichStatus { get; set; }

    public abstract WriteOptions? WriteOptions { get; set; }

    /// <summary>Per-call state shared between interceptors and the handler.</summary>
    public IDictionary<object, object?> UserState => _userState ??= new Dictionary<object, object?>();

    /// <summary>Sends response headers now instead of with the first message.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
