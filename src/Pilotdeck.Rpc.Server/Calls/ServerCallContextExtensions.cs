using Microsoft.AspNetCore.Http;

namespace Pilotdeck.Rpc.Server;

/// <summary>Server-only views of a call that the transport-neutral <see cref="ServerCallContext"/> does not carry.</summary>
public static class ServerCallContextExtensions
{
    /// <summary>The HTTP/2 request behind the call.</summary>
    public static HttpContext GetHttpContext(this ServerCallContext context) => AsHttpCall(context).HttpContext;

    /// <summary>Whether the most recent request message arrived compressed (flag byte 1).</summary>
    public static bool LastRequestWasCompressed(this ServerCallContext context) => AsHttpCall(context).LastMessageWasCompressed;

    /// <summary>Compress the responses of this call with <paramref name="encoding"/> (e.g. "gzip") if the client accepts it; null for none.</summary>
    public static void SetResponseCompression(this ServerCallContext context, string? encoding) => AsHttpCall(context).ResponseCompression = encoding;

    /// <summary>Adds a property to the call's structured log line. Never pass tokens, secrets or personal data.</summary>
    public static void AddLogProperty(this ServerCallContext context, string name, object? value) => AsHttpCall(context).LogProperties.Add(new(name, value));

    private static HttpServerCallContext AsHttpCall(ServerCallContext context) =>
        context as HttpServerCallContext ?? throw new InvalidOperationException("This context does not come from Pilotdeck's HTTP/2 server.");
}
