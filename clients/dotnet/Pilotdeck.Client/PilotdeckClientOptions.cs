namespace Pilotdeck.Client;

/// <summary>Settings for <see cref="PilotdeckClient.Create"/>. Every default is stated on its property.</summary>
public sealed class PilotdeckClientOptions
{
    /// <summary>
    /// The Pilotdeck API address: <c>http://</c> for h2c (HTTP/2 without TLS), <c>https://</c> for TLS.
    /// The OAuth2 token endpoint is <c>/oauth2/token</c> on the same address.
    /// Default <c>http://127.0.0.1:5080</c>, the address a local <c>./run.sh</c> listens on.
    /// </summary>
    public Uri ServerUrl { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>
    /// How the client authenticates. Default <c>null</c>: anonymous, which only reaches the methods
    /// that need no token (gRPC health and reflection, and SystemService.GetServerInfo).
    /// </summary>
    public PilotdeckCredentials? Credentials { get; set; }

    /// <summary>
    /// The deadline given to a call that sets none, measured from when the call starts and covering
    /// its retries and any token request. Default 30 seconds. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Total attempts (the first one included) for an idempotent unary call that fails with
    /// UNAVAILABLE. Default 4; 1 turns retries off. Idempotent means the method is declared
    /// <c>NO_SIDE_EFFECTS</c> or <c>IDEMPOTENT</c> in its proto, or the request carries a <c>request_id</c>.
    /// Streaming calls are never retried.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>Backoff before the first retry; it doubles per retry up to <see cref="MaxBackoff"/>, with random jitter. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff between two attempts. Default 5 seconds.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The HTTP handler for both gRPC calls and token requests, e.g. for tests or custom TLS. It must
    /// speak HTTP/2. Default <c>null</c>: the client creates and owns a <see cref="SocketsHttpHandler"/>.
    /// A handler given here is not disposed by the client.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>
    /// The largest request message the client sends, in bytes; a larger one fails at once with
    /// RESOURCE_EXHAUSTED and is never sent. Default 4 MiB, the server's default limit
    /// (<c>Pilotdeck:Grpc:MaxReceiveMessageBytes</c>): raise the two together. <c>null</c> leaves it
    /// to the server, which refuses such a message from its length prefix while the rest is still in
    /// flight, and that can cost the connection, and every call on it, along with the call.
    /// </summary>
    public int? MaxSendMessageBytes { get; set; } = 4 * 1024 * 1024;
}
