using System.Net;

namespace Pilotdeck.Rpc;

/// <summary>Channel settings. Every default is stated on its property.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted, after decompression. Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = Wire.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent. Default: no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Compress request messages with this encoding ("gzip"). Default: none. A call can choose with the <c>grpc-internal-encoding-request</c> header.</summary>
    public string? RequestCompression { get; set; }

    /// <summary>Use this handler instead of the channel's own SocketsHttpHandler (e.g. for custom TLS). The channel does not dispose it.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Client interceptors, first outermost.</summary>
    public IList<Interceptor> Interceptors { get; } = new List<Interceptor>();
}

/// <summary>
/// A channel over HTTP/2: h2c for <c>http://</c> addresses (prior knowledge), TLS with ALPN h2
/// for <c>https://</c>. Thread-safe; create one per server and reuse it.
/// </summary>
public sealed class GrpcChannel : ChannelBase, IDisposable
{
    /// <summary>Header a call sets to pick its request compression, as in grpc-dotnet; never sent on the wire.</summary>
    public const string RequestEncodingHeader = "grpc-internal-encoding-request";

    private readonly bool _disposeHandler;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
        : base(address.ToString())
    {
        Address = address;
        Options = options;
        _disposeHandler = options.HttpHandler is null;
        var handler = options.HttpHandler ?? new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
        };
        HttpInvoker = new HttpMessageInvoker(handler, _disposeHandler);
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker HttpInvoker { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    /// <summary>The request URI of a method, built once per method rather than per call.</summary>
    internal Uri UriFor(string fullName) => _methodUris.GetOrAdd(fullName, static (name, address) => new Uri(address, name), Address);

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address must be http:// (h2c) or https:// (TLS); got '{address}'.", nameof(address));
        }

        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    public override CallInvoker CreateCallInvoker()
    {
        CallInvoker invoker = new HttpCallInvoker(this);
        return Options.Interceptors.Count == 0 ? invoker : invoker.Intercept(Options.Interceptors.ToArray());
    }

    public void Dispose() => HttpInvoker.Dispose();
}
