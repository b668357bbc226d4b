using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Pilotdeck.PartnerStack.Tests.Wire;

/// <summary>
/// Hand-built gRPC over HTTP/2 (PROTOCOL-HTTP2.md): length-prefixed frames and the headers around
/// them, so tests can send what no well-behaved client library would.
/// </summary>
internal static class GrpcWire
{
    /// <summary>One length-prefixed message: flag byte, 4-byte big-endian length, payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressed = false, int? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? payload.Length));
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static byte[] Gzip(ReadOnlySpan<byte> payload)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return buffer.ToArray();
    }

    /// <summary>A gRPC POST with a body of ready frames; <paramref name="contentType"/> may be made wrong on purpose.</summary>
    public static HttpRequestMessage Request(Uri address, string method, byte[] body, string? token = null, string contentType = "application/grpc", string? encoding = null) =>
        Request(address, method, new ByteArrayContent(body), token, contentType, encoding);

    /// <summary>A gRPC POST that sends <paramref name="bytes"/> and then stalls: the body never ends.</summary>
    public static HttpRequestMessage StallingRequest(Uri address, string method, byte[] bytes, string token) =>
        Request(address, method, new StallingContent(bytes), token, "application/grpc", encoding: null);

    private static HttpRequestMessage Request(Uri address, string method, HttpContent content, string? token, string contentType, string? encoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        return request;
    }

    /// <summary>Splits a response body into its frames (flag, payload).</summary>
    public static List<(byte Flag, byte[] Payload)> ReadFrames(byte[] body)
    {
        var frames = new List<(byte, byte[])>();
        var offset = 0;
        while (offset + 5 <= body.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            frames.Add((body[offset], body.AsSpan(offset + 5, length).ToArray()));
            offset += 5 + length;
        }

        Assert.Equal(body.Length, offset);
        return frames;
    }

    /// <summary>grpc-status from the trailers, or from the headers of a Trailers-Only response.</summary>
    public static string? StatusOf(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.Single()
        : response.Headers.TryGetValues("grpc-status", out var header) ? header.Single()
        : null;

    /// <summary>The google.rpc.Status a response carries in grpc-status-details-bin (headers or trailers).</summary>
    public static Google.Rpc.Status? DetailsOf(HttpResponseMessage response)
    {
        var values = response.TrailingHeaders.TryGetValues("grpc-status-details-bin", out var t) ? t
            : response.Headers.TryGetValues("grpc-status-details-bin", out var h) ? h : null;
        if (values is null)
        {
            return null;
        }

        // Binary headers are unpadded base64 on the wire.
        var text = values.Single();
        return Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(text.PadRight((text.Length + 3) / 4 * 4, '=')));
    }
}

/// <summary>A request body that sends its bytes and then neither more nor the end of the stream.</summary>
internal sealed class StallingContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        try
        {
            // Bounded, so a server that never reacts fails the test instead of hanging it.
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The server ended the stream; what it answered is the response, not this body's fate.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        // Unknown length: the body is streamed, as a real upload's would be.
        length = 0;
        return false;
    }
}
