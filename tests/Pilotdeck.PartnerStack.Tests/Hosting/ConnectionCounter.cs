using System.Net;
using System.Net.Sockets;

namespace Pilotdeck.PartnerStack.Tests.Hosting;

/// <summary>
/// Counts the TCP connections a client handler opens. A test that says "the server reset only
/// that stream" must prove the calls after it went over the same connection; a silent reconnect by
/// the client would otherwise hide a connection-level failure.
/// </summary>
public sealed class ConnectionCounter
{
    private int _opened;

    public int Opened => Volatile.Read(ref _opened);

    /// <summary>An h2c handler (prior knowledge for http:// under HTTP/2-only requests) that counts its connections.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        // Keep one connection: a second one would be opened only if the first were lost or full.
        EnableMultipleHttp2Connections = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                Interlocked.Increment(ref _opened);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>An HttpClient that sends every request as HTTP/2 without TLS over one counted connection.</summary>
    public HttpClient CreateHttpClient() => new(CreateHandler())
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
